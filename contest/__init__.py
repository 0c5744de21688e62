"""Judging platform for high-value patent portfolio contests."""

__version__ = "0.1.0"
