"""Tests of the calendar: dated entries, the month view, .ics export and import."""
