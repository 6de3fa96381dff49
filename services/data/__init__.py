"""services.data."""
