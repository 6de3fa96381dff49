"""The JSON backup format: its header, its tables and how each value is checked.

Described for people in ``docs/backup-format.md``. The tables and fields are
derived from the peewee models, so a new column is exported (and imported)
without a second list to keep in step; the header's ``schema_version`` says
which schema wrote the file.

Every value read from a file goes through :func:`check_row`, which returns
the value as it is stored in the database (raw SQLite values, so an export
and an import give back byte-identical rows) or raises :class:`FormatError`
with a sentence naming the table, the entry and the field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import peewee

from models.application import Application, Offer, StageChange
from models.base import UTCDateTimeField
from models.email import Email
from models.inbox import IgnoredMessage, InboxMessage, MailFolder, SentCopy
from models.interview import Interviewer, InterviewRound, RoundSignal
from models.reminder import Reminder
from models.settings import Setting, Template
from models.values import (
    Channel,
    EmailState,
    InboxState,
    OfferStatus,
    ReminderState,
    SentCopyState,
    Stage,
    TimeframeUnit,
)

#: The ``format`` value of every backup file.
FORMAT = "nextsteps-backup"
#: The version of the file layout described in docs/backup-format.md.
FORMAT_VERSION = 1

#: Longest text accepted in a short field (names, addresses) and in a long one (notes, bodies).
MAX_SHORT_TEXT = 10_000
MAX_LONG_TEXT = 1_000_000
#: Largest backup file read, in bytes.
MAX_FILE_BYTES = 256 * 1024 * 1024

_SQLITE_INT = (-(2**63), 2**63 - 1)

#: Words that mark a setting as a secret: such settings are never exported or imported.
SECRET_WORDS = ("password", "secret", "token")


def is_secret_key(key: str) -> bool:
    """True for a setting key that names a secret (never exported, never imported)."""
    lowered = key.lower()
    return any(word in lowered for word in SECRET_WORDS)


class FormatError(Exception):
    """A value in a backup file is not what the format allows; ``message`` says where and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldSpec:
    """One field of a table in the file.

    ``kind`` is one of ``id``, ``text``, ``int``, ``bool``, ``date``,
    ``instant``, ``decimal``, ``ref`` (a parent's uid) or ``json``.
    """

    name: str
    column: str
    kind: str
    nullable: bool
    required: bool
    max_length: int = 0
    parent: str | None = None
    choices: frozenset[str] | None = None
    model_field: peewee.Field | None = None

    def default(self) -> Any:
        """The stored value this field takes when a file leaves it out."""
        field = self.model_field
        if field is None or field.default is None:
            return None
        value = field.default() if callable(field.default) else field.default
        return field.db_value(value)


@dataclass(frozen=True)
class TableSpec:
    """One table in the file: its name, its identifying field (if any) and its fields."""

    table: str
    label: str
    key: str | None
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        """The field called ``name`` in the file."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def refs(self) -> tuple[FieldSpec, ...]:
        """The fields that point at a parent row (by the parent's uid)."""
        return tuple(f for f in self.fields if f.kind == "ref")


_CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("application", "stage"): frozenset(s.value for s in Stage),
    ("application", "channel"): frozenset(c.value for c in Channel),
    ("stage_change", "from_stage"): frozenset(s.value for s in Stage),
    ("stage_change", "to_stage"): frozenset(s.value for s in Stage),
    ("offer", "status"): frozenset(s.value for s in OfferStatus),
    ("interview_round", "timeframe_unit"): frozenset(u.value for u in TimeframeUnit),
    ("email", "state"): frozenset(s.value for s in EmailState),
    ("reminder", "state"): frozenset(s.value for s in ReminderState),
    ("inbox_message", "state"): frozenset(s.value for s in InboxState),
    ("inbox_message", "suggested_stage"): frozenset(s.value for s in Stage),
    ("sent_copy", "state"): frozenset(s.value for s in SentCopyState),
}

# Tables in the order they are written and read: parents before children.
_MODELS: list[tuple[type[peewee.Model], str, str | None]] = [
    (Application, "application", "uid"),
    (StageChange, "stage change", None),
    (Offer, "offer", "uid"),
    (InterviewRound, "interview", "uid"),
    (Interviewer, "interviewer", "uid"),
    (RoundSignal, "signal", None),
    (Email, "email", "uid"),
    (Reminder, "reminder", "uid"),
    (Template, "template", "key"),
    (Setting, "setting", "key"),
    (MailFolder, "mail folder", "name"),
    (InboxMessage, "message", "uid"),
    (IgnoredMessage, "ignored message", "message_id"),
    (SentCopy, "sent copy", None),
]


#: The file's kind of each type of model field (the first that matches), and the longest
#: text it may hold.
_FIELD_KINDS = (
    (peewee.BooleanField, "bool", 0),
    (peewee.IntegerField, "int", 0),
    (peewee.DecimalField, "decimal", 0),
    (peewee.DateField, "date", 0),
    (UTCDateTimeField, "instant", 0),
    (peewee.CharField, "text", MAX_SHORT_TEXT),
    (peewee.TextField, "text", MAX_LONG_TEXT),
)


def _field_kind(table: str, field: peewee.Field) -> tuple[str, int]:
    """The kind of ``field`` in the file, and the longest text it may hold (0: not text)."""
    for field_type, kind, max_length in _FIELD_KINDS:
        if isinstance(field, field_type):
            return kind, max_length
    # A new type of field must be taught to the format first.
    raise TypeError(  # pragma: no cover
        f"{table}.{field.name}: no backup format for {type(field).__name__}")


def _field_spec(table: str, key: str | None, field: peewee.Field) -> FieldSpec:
    if isinstance(field, peewee.AutoField):
        return FieldSpec("id", field.column_name, "id", True, False, model_field=None)
    nullable = bool(field.null)
    required = (field.default is None and not nullable) or field.name == key
    common = {"nullable": nullable, "required": required, "model_field": field}
    if isinstance(field, peewee.ForeignKeyField):
        return FieldSpec(field.name, field.column_name, "ref",
                         parent=field.rel_model._meta.table_name, **common)
    if table == "setting" and field.name == "value":
        return FieldSpec("value", field.column_name, "json", **common)
    kind, max_length = _field_kind(table, field)
    if kind == "text":
        return FieldSpec(field.name, field.column_name, "text", max_length=max_length,
                         choices=_CHOICES.get((table, field.name)), **common)
    return FieldSpec(field.name, field.column_name, kind, **common)


def _table_spec(model: type[peewee.Model], label: str, key: str | None) -> TableSpec:
    table = model._meta.table_name
    fields = tuple(_field_spec(table, key, f) for f in model._meta.sorted_fields)
    return TableSpec(table, label, key, fields)


#: Every table of a backup, parents first.
TABLES: tuple[TableSpec, ...] = tuple(_table_spec(m, label, key) for m, label, key in _MODELS)
TABLES_BY_NAME: dict[str, TableSpec] = {spec.table: spec for spec in TABLES}


# -- from the database to the file --------------------------------------------------------------


def to_file_value(spec: FieldSpec, raw: Any) -> Any:
    """A raw database value as it is written to the file (refs are resolved by the caller)."""
    if raw is None:
        return None
    if spec.kind == "bool":
        return bool(raw)
    if spec.kind == "decimal":
        return str(Decimal(str(raw)))
    if spec.kind == "json":
        try:
            return json.loads(raw)
        except (TypeError, ValueError):
            return raw
    return raw


# -- from the file to the database --------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def text_problem(value: str, max_length: int) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can."""
    if len(value) > max_length:
        return f"is {len(value):,} characters long; at most {max_length:,} are allowed"
    if "\x00" in value:
        return "contains a NUL character, which text in Next Steps cannot hold"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a broken character (a lone UTF-16 surrogate)"
    return None


def _check_whole_number(spec: FieldSpec, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"must be a whole number, but it is {_type_name(value)}")
    low, high = _SQLITE_INT
    if not low <= value <= high or (spec.kind == "id" and value < 1):
        raise ValueError("is out of range")
    return value


def _check_bool(_spec: FieldSpec, value: Any) -> int:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, but it is {_type_name(value)}")
    return int(value)


def _check_json(_spec: FieldSpec, value: Any) -> str:
    try:
        encoded = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError("is not a value JSON can hold") from exc
    if len(encoded) > MAX_LONG_TEXT:
        raise ValueError("is too large")
    return encoded


def _check_choice(spec: FieldSpec, value: str) -> str:
    if spec.choices is not None and value not in spec.choices:
        allowed = ", ".join(sorted(spec.choices))
        raise ValueError(f"is “{value[:40]}”, which is not one of: {allowed}")
    return value


def _check_ref(_spec: FieldSpec, value: str) -> str:
    if not value:
        raise ValueError("must name the entry it belongs to")
    return value


def _check_date(_spec: FieldSpec, value: str) -> str:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 10:
        raise ValueError(f"must be a date written as YYYY-MM-DD, not “{value[:40]}”")
    return parsed.isoformat()


def _check_instant(_spec: FieldSpec, value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(
            f"must be a date and time with its UTC offset, such as "
            f"2026-03-01T09:30:00+00:00, not “{value[:40]}”"
        )
    try:
        return parsed.astimezone(UTC).isoformat(timespec="seconds")
    except (OverflowError, ValueError) as exc:
        raise ValueError("is out of range") from exc


def _check_decimal(_spec: FieldSpec, value: str) -> str:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or len(value) > 40:
        raise ValueError(f"must be an amount such as 72000.50, not “{value[:40]}”")
    return value


#: The checks of the kinds whose value is not text in the file, by kind.
_CHECKS = {"id": _check_whole_number, "int": _check_whole_number, "bool": _check_bool,
           "json": _check_json}
#: The checks of the kinds written as text, by kind (after the text itself is checked).
_TEXT_CHECKS = {"text": _check_choice, "ref": _check_ref, "date": _check_date,
                "instant": _check_instant, "decimal": _check_decimal}


def check_value(spec: FieldSpec, value: Any) -> Any:
    """``value`` from a file as stored in the database; raises ValueError with the reason.

    Refs come back as the parent's uid (text); the caller looks up its id.
    """
    if value is None:
        if spec.nullable or spec.kind == "id":
            return None
        raise ValueError("must not be empty")
    if spec.kind in _CHECKS:
        return _CHECKS[spec.kind](spec, value)
    if not isinstance(value, str):
        raise ValueError(f"must be text, but it is {_type_name(value)}")
    problem = text_problem(value, spec.max_length or MAX_SHORT_TEXT)
    if problem:
        raise ValueError(problem)
    check = _TEXT_CHECKS.get(spec.kind)
    if check is None:  # pragma: no cover
        raise ValueError(f"has an unknown kind {spec.kind}")
    return check(spec, value)


def check_row(spec: TableSpec, index: int, row: Any) -> dict[str, Any]:
    """Entry ``index`` (0-based) of table ``spec`` as column → stored value.

    Only the fields the entry gives are returned (a merge updates just those;
    an insert fills the rest with :meth:`FieldSpec.default`). Ref columns hold
    the parent's uid. Raises :class:`FormatError` naming the entry and the field.
    """
    where = f"{spec.label} number {index + 1}"
    if not isinstance(row, dict):
        raise FormatError(f"The {where} is {_type_name(row)}, not an object with fields.")
    identity = row.get(spec.key) if spec.key else None
    if isinstance(identity, str) and len(identity) <= 80 and not text_problem(identity, 80):
        where += f" (“{identity}”)"
    known = {f.name for f in spec.fields}
    unknown = sorted(str(name) for name in row if name not in known)
    if unknown:
        shown = ", ".join(f"“{name[:40]}”" for name in unknown[:5])
        raise FormatError(
            f"The {where} has fields this version does not know: {shown}."
        )
    values: dict[str, Any] = {}
    for field in spec.fields:
        if field.name not in row:
            if field.required:
                raise FormatError(f"The {where} has no “{field.name}”, which it needs.")
            continue
        try:
            values[field.column] = check_value(field, row[field.name])
        except ValueError as exc:
            raise FormatError(f"In the {where}, “{field.name}” {exc}.") from None
    if spec.key and not str(values.get(spec.key, "")).strip():
        raise FormatError(f"In the {where}, “{spec.key}” is empty; it identifies the entry.")
    return values
