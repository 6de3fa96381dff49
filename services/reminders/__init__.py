"""Reminders: which ones the data calls for, keeping them in the table, their states, the
user's own, and start at login.

- ``rules`` (pure rules over calendar entries) and ``derive`` (every reminder due at an
  instant); ``sync.sync`` keeps the table in step with the data.
- ``queries`` (``due``, ``outstanding``, ``next_due_instant``, ``missed_since_last_run``),
  ``states`` (``mark_shown``, ``snooze``, ``done``), ``custom`` (the user's own).
- ``autostart``: start at login on Linux, Windows and macOS. ``table``: the SQL helpers.
"""
