"""Tests of the user's data: backups, JSON and CSV import and export, the command line's
import and export."""
