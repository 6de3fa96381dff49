"""The app's version, the single source read by pyproject.toml and the packaging spec."""

__version__ = "0.1.0"
