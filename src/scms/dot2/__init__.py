"""scms.dot2 (being built)."""

__all__: list[str] = []
