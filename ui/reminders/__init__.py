"""Reminders on screen: the scheduler that delivers them, the panel, notifications, dialogs.

- ``scheduler.ReminderScheduler``: the one place the UI changes reminders' states; a timer
  to the next due instant, and a watch for clock jumps (sleep, resume, a new zone).
- ``panel`` with ``reminder_list`` (reminders inside the window), ``notifications``
  (desktop notifications with Open, Done and Snooze), ``snooze_dialog``, ``dialog`` (a new
  reminder of the user's own). The tray icon itself is ``ui.shell.tray``.
"""
