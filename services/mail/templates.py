"""Email templates as stored: the built-in ones and the user's edited copies and own ones.

Built-in templates live in ``resources/templates/<key>.txt``: a first line
``Subject: …``, a blank line, then the body, in Jinja2 syntax. They are
copied into the ``template`` table by :func:`ensure_builtin_templates` (the
composer calls it when it opens), where the user may edit them;
:func:`reset_template` brings one back to the built-in text.

The composer and the template editor call :func:`ensure_builtin_templates`,
:func:`get_template`, :func:`list_templates`, :func:`save_template`,
:func:`reset_template`, :func:`delete_template`, :func:`is_edited` and
:func:`render_template` (a stored template with its values). Rendering lives
in :mod:`services.mail.template_rendering`, the placeholders and their values
in :mod:`services.mail.placeholders`.

This module imports jinja2 (through the rendering): it is loaded only when the
composer or the template editor opens, never at start-up.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from models.base import database_proxy, utc_now
from models.settings import Template
from services.core import settings
from services.core.paths import resources_dir
from services.mail.placeholders import normalise_newlines, one_line
from services.mail.template_rendering import Rendered, render

__all__ = [
    "BUILTIN_KEYS",
    "BUILTIN_NAMES",
    "TemplateNotFound",
    "TemplateText",
    "builtin_template",
    "delete_template",
    "ensure_builtin_templates",
    "get_template",
    "is_edited",
    "list_templates",
    "render_template",
    "reset_template",
    "save_template",
]

#: The built-in templates, in the order the composer lists them.
BUILTIN_KEYS: tuple[str, ...] = ("thank_you", "follow_up", "more_time", "agency_update")

#: Their names as the user reads them.
BUILTIN_NAMES: dict[str, str] = {
    "thank_you": "Thank-you after an interview",
    "follow_up": "Follow-up after the time frame has passed",
    "more_time": "Asking for more time on an offer",
    "agency_update": "Update to the agency recruiter",
}

#: Setting recording the text each built-in was last seeded with (a hash per key), so
#: an unedited built-in follows a newer version of the app and an edited one never does.
SEEDED_SETTING = "templates.seeded"

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class TemplateText(NamedTuple):
    """A template as stored: ``builtin`` is True for the four built-in keys."""

    key: str
    name: str
    subject: str
    body: str
    builtin: bool


class TemplateNotFound(LookupError):
    """No template has this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"There is no template called “{key}”; it may have been deleted.")
        self.message = str(self)
        self.key = key


# -- built-in and stored templates --------------------------------------------------------------


def _resource_path(key: str) -> Path:
    return resources_dir() / "templates" / f"{key}.txt"


@cache
def builtin_template(key: str) -> TemplateText:
    """The built-in template ``key`` as shipped in ``resources/templates``."""
    if key not in BUILTIN_KEYS:
        raise TemplateNotFound(key)
    text = normalise_newlines(_resource_path(key).read_text(encoding="utf-8"))
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{_resource_path(key)} must start with a “Subject:” line.")
    body = rest[1:] if rest.startswith("\n") else rest
    return TemplateText(key, BUILTIN_NAMES[key], first[len("Subject:"):].strip(), body, True)


def _digest(subject: str, body: str) -> str:
    return hashlib.sha256(f"{subject}\n\n{body}".encode()).hexdigest()


def _row_text(row) -> TemplateText:
    return TemplateText(row.key, row.name, row.subject, row.body, row.key in BUILTIN_KEYS)


def ensure_builtin_templates() -> list[str]:
    """Seed the built-in templates into the database; return the keys written.

    Idempotent. A missing built-in is added. An existing one is brought up to
    the shipped text only when it still holds exactly the text it was last
    seeded with (the user never edited it); an edited template is never
    touched.
    """
    if database_proxy.execute_sql("PRAGMA query_only").fetchone()[0]:
        return []  # the data was opened for reading only (services.core.store): nothing to seed
    written = []
    with database_proxy.atomic():
        seeded = dict(settings.get(SEEDED_SETTING) or {})
        rows = {t.key: t for t in Template.select().where(Template.key.in_(BUILTIN_KEYS))}
        changed = False
        for key in BUILTIN_KEYS:
            shipped = builtin_template(key)
            shipped_digest = _digest(shipped.subject, shipped.body)
            row = rows.get(key)
            if row is None:
                Template.create(key=key, name=shipped.name, subject=shipped.subject,
                                body=shipped.body, builtin=True, updated_at=utc_now())
                written.append(key)
            else:
                current = _digest(row.subject, row.body)
                if current != shipped_digest and seeded.get(key) == current:
                    (Template.update(subject=shipped.subject, body=shipped.body,
                                     updated_at=utc_now())
                     .where(Template.id == row.id).execute())
                    written.append(key)
                elif current != shipped_digest:
                    continue  # edited by the user: keep it, and do not claim it as seeded
            if seeded.get(key) != shipped_digest:
                seeded[key] = shipped_digest
                changed = True
        if changed:
            settings.put(SEEDED_SETTING, seeded)
    return written


def get_template(key: str) -> TemplateText:
    """The template ``key``: the stored copy, or for a built-in not yet seeded the shipped text."""
    row = Template.get_or_none(Template.key == key)
    if row is not None:
        return _row_text(row)
    if key in BUILTIN_KEYS:
        return builtin_template(key)
    raise TemplateNotFound(key)


def list_templates() -> list[TemplateText]:
    """Every template: the built-ins in :data:`BUILTIN_KEYS` order, then the user's by name."""
    rows = {row.key: _row_text(row) for row in Template.select()}
    builtins = [rows.pop(key, None) or builtin_template(key) for key in BUILTIN_KEYS]
    return builtins + sorted(rows.values(), key=lambda t: (t.name.casefold(), t.key))


def save_template(key: str, name: str, subject: str, body: str) -> TemplateText:
    """Store a template (a built-in's edited copy, or a template of the user's own).

    The text is stored even when it does not render (check it with
    :func:`check_template`), so the user's work is never lost; the subject is
    kept on one line. Raises :class:`ValueError` with a sentence for an
    unusable key.
    """
    key = (key or "").strip()
    if not _KEY.match(key):
        raise ValueError(
            f"“{key}” cannot name a template; use lower-case letters, digits, "
            "hyphens and underscores, such as “thank_you_short”."
        )
    name = one_line(name) or BUILTIN_NAMES.get(key, key)
    values = {
        "name": name,
        "subject": one_line(subject),
        "body": normalise_newlines(body),
        "builtin": key in BUILTIN_KEYS,
        "updated_at": utc_now(),
    }
    (Template.insert(key=key, **values)
     .on_conflict(conflict_target=[Template.key], update=values).execute())
    return get_template(key)


def reset_template(key: str) -> TemplateText:
    """Bring a built-in template back to the shipped text (its name too)."""
    if key not in BUILTIN_KEYS:
        if Template.get_or_none(Template.key == key) is None:
            raise TemplateNotFound(key)
        raise ValueError(
            f"“{key}” is a template of your own; only built-in templates can be reset."
        )
    shipped = builtin_template(key)
    with database_proxy.atomic():
        saved = save_template(key, shipped.name, shipped.subject, shipped.body)
        seeded = dict(settings.get(SEEDED_SETTING) or {})
        seeded[key] = _digest(shipped.subject, shipped.body)
        settings.put(SEEDED_SETTING, seeded)
    return saved


def delete_template(key: str) -> None:
    """Delete a template of the user's own (built-in ones can only be reset)."""
    if key in BUILTIN_KEYS:
        raise ValueError(
            f"“{BUILTIN_NAMES[key]}” is built in and cannot be deleted; reset it instead."
        )
    if Template.delete().where(Template.key == key).execute() == 0:
        raise TemplateNotFound(key)


def is_edited(key: str) -> bool:
    """True when the built-in template ``key`` differs from the shipped text."""
    if key not in BUILTIN_KEYS:
        return False
    stored = get_template(key)
    shipped = builtin_template(key)
    return (stored.subject, stored.body) != (shipped.subject, shipped.body)


def render_template(key: str, context: Mapping[str, Any]) -> Rendered:
    """Render the stored template ``key`` with ``context``."""
    template = get_template(key)
    return render(template.subject, template.body, context)
