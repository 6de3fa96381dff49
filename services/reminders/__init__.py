"""Reminders: derived from the data and kept in step, their states, the user's own, autostart."""
