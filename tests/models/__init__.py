"""Tests of the models: the schema, its migrations."""
