"""services.reminders.sync."""
