"""scms.asn1 (being built)."""

__all__: list[str] = []
