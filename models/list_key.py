"""The application list's search and sort keys, kept in the database (schema 5).

A row of :class:`ListKey` holds, for one application, what the list filters and
orders by: its stage, its company folded, and its search key (company, role,
agency, recruiter, contact, interviewers' names and notes, folded; see
:func:`services.applications.list_keys.search_key_of`). With them the list
answers a search from the database (``instr`` over the keys, the first rows
through the ``(stage, company_key, application_id)`` index) before every
application has been read.

The keys are filled by the app (:mod:`services.applications.list_keys`), never
by SQL, since folding is Python's. Whatever changes what a key was made from
deletes it, through the triggers of :data:`TRIGGERS`: any writer, the app's
own or not, can only leave a key missing, never stale. An application without
a key is one :mod:`services.applications.list_keys` fills again.

A change to :func:`services.applications.folding.fold`, or to what a key holds, needs a
migration that empties this table.
"""

from __future__ import annotations

import peewee

from models.application import Application
from models.base import BaseModel

__all__ = ["TRIGGERS", "ListKey", "create_triggers"]


class ListKey(BaseModel):
    """One application's list keys: stage, folded company and folded search text."""

    application = peewee.ForeignKeyField(Application, primary_key=True, on_delete="CASCADE",
                                         backref="list_key")
    stage = peewee.CharField()
    company_key = peewee.TextField()
    search_key = peewee.TextField()

    class Meta:
        table_name = "list_key"
        indexes = ((("stage", "company_key", "application"), False),)


def _forget(application_ids: str) -> str:
    return f"DELETE FROM list_key WHERE application_id IN ({application_ids});"


#: Each trigger deletes the keys a change makes stale.
TRIGGERS: dict[str, str] = {
    "list_key_application_changed":
        "AFTER UPDATE OF id, company, role, stage, agency_name, recruiter_name, contact_name, "
        f"notes ON application BEGIN {_forget('OLD.id')} END",
    "list_key_application_deleted":
        f"AFTER DELETE ON application BEGIN {_forget('OLD.id')} END",
    "list_key_round_moved":
        "AFTER UPDATE OF id, application_id ON interview_round "
        f"BEGIN {_forget('OLD.application_id, NEW.application_id')} END",
    "list_key_round_deleted":
        f"AFTER DELETE ON interview_round BEGIN {_forget('OLD.application_id')} END",
    "list_key_interviewer_added":
        "AFTER INSERT ON interviewer BEGIN "
        + _forget("SELECT application_id FROM interview_round WHERE id = NEW.round_id")
        + " END",
    "list_key_interviewer_changed":
        "AFTER UPDATE OF name, round_id ON interviewer BEGIN "
        + _forget("SELECT application_id FROM interview_round "
                  "WHERE id IN (OLD.round_id, NEW.round_id)")
        + " END",
    "list_key_interviewer_deleted":
        "AFTER DELETE ON interviewer BEGIN "
        + _forget("SELECT application_id FROM interview_round WHERE id = OLD.round_id")
        + " END",
}


def create_triggers(db: peewee.SqliteDatabase) -> None:
    """Create the :data:`TRIGGERS` (a new database, or the upgrade to schema 5)."""
    for name, body in TRIGGERS.items():
        db.execute_sql(f'CREATE TRIGGER IF NOT EXISTS "{name}" {body}')
