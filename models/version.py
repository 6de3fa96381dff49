"""The schema version this build writes, importable without the ORM (start-up reads it)."""

#: The schema this version of the app writes. Raise it with every migration.
CURRENT_VERSION = 5
