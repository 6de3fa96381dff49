"""Tests of reminders: the rules, the scheduler, the panel, notifications, the tray and
start at login."""
