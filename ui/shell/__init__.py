"""The shell: start-up, the main window, its sections and menus, the theme, the tray.

- Start-up: ``app.run_gui``/``Startup``, ``single_instance``, ``store_recovery`` and
  ``startup_dialogs`` (data that cannot be opened), ``restart``, ``errors`` (uncaught
  exceptions), ``prepaint`` (what waits for the first paint).
- The window: ``main_window.MainWindow`` with ``views`` (the sections), ``window_menus``,
  ``window_commands``, ``settings_view``, ``theme``, ``app_icon``.
- ``tray`` (the tray icon and reminders' notifications) with ``desktop_notifications`` and
  ``menu_text``; shared helpers: ``tasks.run_in_background``, ``accessible``, ``labels``.
"""
