"""The core every feature stands on: where files live, opening the data, settings, time.

- ``paths``: the one place that decides where files live (``resolve_data_paths``).
- ``store`` / ``store_problems``: opening the data (``open_store``), and why it cannot be
  opened, told apart (busy, full, read-only, permission, damaged, lost) in a sentence.
- ``connection``: the one helper services use to reach the open database (``database``,
  ``bound`` for the command line, ``close``/``reopen`` around a restore).
- ``snapshot``: the first paint's settings and counts, read without the ORM.
- ``settings``: the registry of every setting, with ``get`` and ``put``.
- ``instants``: stored instants and zones; the clock itself is ``models.clock``.
- ``atomic``, ``bulk_insert``, ``data_folder``, ``logs``, ``selftest``, ``version``.
"""
