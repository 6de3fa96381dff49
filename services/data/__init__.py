"""The user's data as files: backups, JSON, CSV, the demo, and the command line's import and
export.

- ``backups``: daily and before-upgrade copies, checked, listed, restored.
- JSON: ``json_export.export_json``, ``json_import`` (read, check, apply) with
  ``backup_format`` (the format) and ``backup_writer`` (replace or merge).
- CSV: ``csv_export``; ``csv_import.import_applications_csv`` and ``csv_stream`` (plan and
  apply, row by row) with ``csv_cells``, ``csv_rows``, ``csv_report``, ``csv_files``.
- ``demo.fill_demo`` (the sample search, its replies in ``demo_replies``), ``commands``
  (``main.py import`` and ``export``).
"""
