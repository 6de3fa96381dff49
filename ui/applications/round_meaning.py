"""The round editor's "What it means" panel: what the signs suggest, when to expect an
answer, and what to do whatever it says.

:class:`ui.applications.round_editor.RoundEditor` calls :func:`build_meaning_panel`,
which makes the panel (``meaning``) and its four labels (``verdict``, ``reasons``,
``expected``, ``plan``) attributes of the editor, and shows :func:`meaning_of` a round in
them.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from services.applications import prospects
from services.applications.editor_data import RoundData
from ui.shell.accessible import message_label


class Meaning(NamedTuple):
    """The four sentences of the panel."""

    verdict: str
    reasons: str
    expected: str
    plan: str


def build_meaning_panel(editor: QWidget) -> QFrame:
    """The "What it means" panel, a child of ``editor``, its labels set on ``editor``."""
    editor.meaning = QFrame(editor)
    editor.meaning.setObjectName("OutlookPanel")
    editor.meaning.setFrameShape(QFrame.Shape.StyledPanel)
    meaning_layout = QVBoxLayout(editor.meaning)
    heading = QLabel("<b>What it means</b>", editor.meaning)
    meaning_layout.addWidget(heading)
    # Each sentence is the label's accessible name; its role is the description.
    editor.verdict, editor.reasons, editor.expected, editor.plan = (
        message_label(QLabel(editor.meaning), role)
        for role in ("Outlook", "Reasons", "Expected response", "Plan"))
    for label in (editor.verdict, editor.reasons, editor.expected, editor.plan):
        label.setWordWrap(True)
        meaning_layout.addWidget(label)
    editor.plan.setTextFormat(Qt.TextFormat.PlainText)
    meaning_layout.addStretch(1)
    return editor.meaning


def meaning_of(data: RoundData, default_business_days: int) -> Meaning:
    """What ``data``'s signs suggest, the answer date to expect and the plan, in words."""
    reading = prospects.assess(data.signals)
    verdict = (f"{reading.verdict.label}. {reading.summary()}" if not reading.reasons
               else
               f"{reading.verdict.label} (score {reading.score:+d}), but nobody can tell yet.")
    if reading.reasons:
        reasons = "\n".join(reading.reasons)
    else:
        reasons = "Tick the signs you noticed; the reasons appear here."
    day = _interview_day(data)
    if day is None:
        expected = ""
    else:
        answer = prospects.expected_response(day, data.timeframe_value, data.timeframe_unit,
                                           default_business_days)
        problem = prospects.timeframe_problem(data.timeframe_value, data.timeframe_unit)
        note = f" ({problem})" if problem else ""
        expected = f"Expect an answer by {answer.date:%A %d %B %Y}. {answer.basis}{note}"
    plan = "Whatever it says:\n" + "\n".join(f"•  {step}" for step in reading.plan)
    return Meaning(verdict, reasons, expected, plan)


def _interview_day(data: RoundData) -> date | None:
    if data.starts_at is None:
        return None
    try:
        return data.starts_at.astimezone(ZoneInfo(data.tz_name)).date()
    except (ValueError, KeyError):
        return data.starts_at.date()
