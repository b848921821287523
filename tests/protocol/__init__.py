"""Tests of scms.protocol (1609.2.1 messages)."""
