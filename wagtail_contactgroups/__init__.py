"""Dynamic contact groups for Wagtail."""

__version__ = "0.1.0"
