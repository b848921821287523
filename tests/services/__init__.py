"""Tests of scms.services (the SCMS components and their common runtime)."""
