"""Widgets, dialogs, Qt item models and the tray. Calls services, never builds SQL."""
