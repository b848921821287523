"""An IEEE 1609.2-2022 / 1609.2.1-2022 Security Credential Management System for V2X."""

__version__ = "0.1.0"
__all__ = ["__version__"]
