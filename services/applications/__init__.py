"""services.applications."""
