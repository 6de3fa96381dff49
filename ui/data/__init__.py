"""ui.data."""
