"""ui.mail."""
