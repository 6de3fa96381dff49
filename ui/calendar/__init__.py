"""The calendar screen: the month, its markers, the agenda, and .ics files.

- ``view.CalendarView`` with ``month`` and ``month_paint`` (the grid), ``markers`` (each
  kind's shape and colour), ``agenda`` and ``agenda_pane`` (the day or week list),
  ``ics_files`` (export, import, drops) and ``dialogs``.
"""
