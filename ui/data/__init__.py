"""The data screens: Settings → Data (backups and restore) and File → Import/Export.

- ``page.DataPage``; ``file_actions`` (File → Import/Export, drag and drop) with
  ``import_job`` (files read on a worker with progress, written one file at a time).
"""
