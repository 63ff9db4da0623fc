"""The package's version: its own module so the HTTP layer can say it without importing the Flask factory."""

__version__ = "0.1.0"
