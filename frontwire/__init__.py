"""frontwire: conflict news to a structured, source-attributed record."""

__version__ = "0.1.0"
