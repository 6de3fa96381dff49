"""services.core."""
