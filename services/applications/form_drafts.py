"""Unsaved editor forms kept on disk, so a crash or a power cut loses nothing typed.

Each open editor writes its whole form (as JSON) a moment after every
change; saving or discarding removes the file. Opening the same editor
later finds the file and offers to bring the text back.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from models import clock
from services.core.atomic import write_text_atomic
from services.core.paths import DataPaths


class FormDraft(NamedTuple):
    """A form kept on disk: when it was written and what it held."""

    saved_at: datetime
    data: dict[str, Any]


def draft_path(paths: DataPaths, key: str) -> Path:
    """Where the draft of form ``key`` (such as ``application-12``) is kept."""
    safe = "".join(ch for ch in key if ch.isalnum() or ch in "-_")
    return paths.form_drafts / f"{safe}.json"


def write_draft(paths: DataPaths, key: str, data: dict[str, Any]) -> None:
    """Keep ``data`` as the draft of form ``key`` (atomically replaces the previous one)."""
    payload = {"saved_at": clock.now().isoformat(timespec="seconds"), "data": data}
    write_text_atomic(draft_path(paths, key), json.dumps(payload, ensure_ascii=False))


def read_draft(paths: DataPaths, key: str) -> FormDraft | None:
    """The draft of form ``key``, or None when there is none or it cannot be read."""
    path = draft_path(paths, key)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return FormDraft(datetime.fromisoformat(payload["saved_at"]), payload["data"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def discard_draft(paths: DataPaths, key: str) -> None:
    """Forget the draft of form ``key``."""
    draft_path(paths, key).unlink(missing_ok=True)
