"""Tests of scms.ee (the reference end entity)."""
