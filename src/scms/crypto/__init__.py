"""scms.crypto (being built)."""

__all__: list[str] = []
