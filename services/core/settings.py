"""Typed access to the settings table, with the defaults documented in one place."""

from __future__ import annotations

from typing import Any

#: Every setting the app reads, with its default.
DEFAULTS: dict[str, Any] = {
    "user.name": "",
    "user.signature": "",
    "ui.theme": "system",
    "ui.window_geometry": "",
    "ui.current_view": "applications",
    "ui.tray_hint_shown": False,
    "reminders.thanks_after_hours": 2,
    "reminders.follow_up_grace_business_days": 2,
    "reminders.stall_days": 7,
    "search.weekly_goal": 5,
    "outlook.default_response_business_days": 10,
}


def get(key: str) -> Any:
    """The stored value of ``key``, or its default."""
    from models.settings import Setting

    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return DEFAULTS.get(key)
    import json  # here: the first paint reads DEFAULTS without needing json

    return json.loads(row.value)


def put(key: str, value: Any) -> None:
    """Store ``value`` (anything JSON can hold) under ``key``."""
    if key.startswith("smtp.password") or "secret" in key:
        raise ValueError("Secrets belong in the system keyring, never in settings.")
    import json

    from models.settings import Setting

    encoded = json.dumps(value)
    Setting.insert(key=key, value=encoded).on_conflict_replace().execute()
