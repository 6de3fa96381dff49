"""ui.reminders."""
