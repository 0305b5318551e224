"""The version of rapportgen (one place; the package, the CLI and the PDF cache read it)."""

__version__ = "0.1.0"
