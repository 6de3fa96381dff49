"""services.applications.editing."""
