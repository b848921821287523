"""Tests of scms.asn1 (the COER codec, our ASN.1 modules, vectors, properties and robustness)."""
