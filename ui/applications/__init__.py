"""ui.applications."""
