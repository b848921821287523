"""Tests of scms.dot2 (certificates, SPDUs, CRLs)."""
