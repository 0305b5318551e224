"""rapportgen: document automation for Swedish municipal committees (nämnder)."""

__version__ = "0.1.0"
