"""The settings registry (services.core.settings): every setting declared once, read back as
its declared type, written only when it fits, secrets refused."""

from __future__ import annotations

import json

import pytest

from models.settings import Setting
from services.core import settings


def _store_raw(key: str, value) -> None:
    Setting.insert(key=key, value=json.dumps(value)).on_conflict_replace().execute()


def test_every_setting_is_declared_once_with_a_default_of_its_type():
    keys = [entry.key for entry in settings.OPTIONS]
    assert len(keys) == len(set(keys))
    for entry in settings.OPTIONS:
        assert settings.problem(entry.key, entry.default) is None, entry.key
        assert entry.description.endswith("."), entry.key


def test_defaults_when_unset(store):
    assert settings.get("ui.theme") == "system"
    assert settings.get("reminders.stall_days") == 7
    assert settings.get("templates.seeded") == {}
    assert Setting.select().count() == 0


def test_an_unknown_key_is_a_programming_error(store):
    with pytest.raises(KeyError):
        settings.get("no.such.key")
    with pytest.raises(KeyError):
        settings.put("no.such.key", 1)


@pytest.mark.parametrize(("key", "value"), [
    ("user.name", "Sam Rivera – ünïcode ✓"), ("search.weekly_goal", 12),
    ("reminders.thanks_after_hours", 0), ("ui.tray_hint_shown", True),
    ("ui.tray_hint_shown", False), ("templates.seeded", {"thank_you": 2}),
])
def test_put_and_get_round_trip_with_the_declared_type(store, key, value):
    settings.put(key, value)
    got = settings.get(key)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("key", "value", "sentence"), [
    ("search.weekly_goal", "five", "The setting “search.weekly_goal” takes a whole number."),
    ("search.weekly_goal", True, "The setting “search.weekly_goal” takes a whole number."),
    ("search.weekly_goal", 0, "The setting “search.weekly_goal” is at least 1."),
    ("smtp.port", 70000, "The setting “smtp.port” is at most 65535."),
    ("ui.theme", "pink", "The setting “ui.theme” is one of: system, light, dark."),
    ("ui.tray_hint_shown", 1, "The setting “ui.tray_hint_shown” takes yes or no."),
])
def test_put_refuses_a_value_that_does_not_fit(store, key, value, sentence):
    with pytest.raises(ValueError) as refused:
        settings.put(key, value)
    assert str(refused.value) == sentence
    assert Setting.select().count() == 0


@pytest.mark.parametrize(("key", "stored", "read"), [
    ("search.weekly_goal", "7", 7),            # an older version kept numbers as text
    ("search.weekly_goal", 7.0, 7),
    ("search.weekly_goal", 500, 100),          # out of bounds: the nearest bound
    ("search.weekly_goal", -3, 1),
    ("search.weekly_goal", "lots", 5),         # unusable: the default
    ("ui.tray_hint_shown", "true", True),
    ("ui.theme", "pink", "system"),
    ("user.name", 42, "42"),
    ("templates.seeded", ["thank_you"], {}),
])
def test_get_upgrades_or_falls_back_to_the_default(store, key, stored, read):
    _store_raw(key, stored)
    got = settings.get(key)
    assert got == read and type(got) is type(read)


def test_a_stored_value_that_is_not_json_reads_as_the_default(store):
    Setting.insert(key="reminders.stall_days", value="{oops").execute()
    assert settings.get("reminders.stall_days") == 7


def test_put_overwrites(store):
    settings.put("ui.theme", "dark")
    settings.put("ui.theme", "light")
    assert settings.get("ui.theme") == "light"
    assert Setting.select().where(Setting.key == "ui.theme").count() == 1


@pytest.mark.parametrize("key", ["smtp.password", "smtp.password.work", "imap.secret", "secret"])
def test_secrets_are_refused(store, key):
    with pytest.raises(ValueError, match="keyring"):
        settings.put(key, "hunter2")
    assert Setting.select().count() == 0


def test_the_default_of_a_table_is_never_shared(store):
    first = settings.get("templates.seeded")
    first["x"] = 1
    assert settings.get("templates.seeded") == {}
