"""Tests of scms.crypto (primitives against published vectors, real certificates and properties)."""
