"""The calendar: every dated entry of the search, derived once, and .ics files out and in.

- Dated entries: ``entries`` (``entries_between``, ``entries_for_day``, ``upcoming``,
  ``counts_by_day``: the reading API and its cache) over ``fact_queries`` (SQL),
  ``entry_facts`` and ``entry_rules`` (the pure rules) and ``entry_types`` (the values).
- Export: ``ics_export.export_file`` / ``export_entries`` / ``export_entry``.
- Import of invitations: ``ics_import.import_files`` (the command line) and
  ``invitation_files`` (the window: read on a worker, then write); the jobs behind them:
  ``ics_unfold`` and ``ics_reader`` (RFC 5545), ``ics_zones`` and ``ics_times`` (zones and
  times), ``invitations`` (events to invitations), ``ics_roles`` (the role from a title),
  ``invitation_matching`` (which application), ``invitation_writer`` (rows),
  ``invitation_report`` (what the import did).
"""
