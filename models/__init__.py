"""Peewee models, the database proxy, the schema version and its migrations."""
