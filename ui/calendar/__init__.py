"""ui.calendar."""
