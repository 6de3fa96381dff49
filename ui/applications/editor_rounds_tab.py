"""The application editor's "Interviews" tab: the list of rounds beside the round editor.

:class:`ui.applications.editor.ApplicationEditor` calls :func:`build_rounds_tab`, which
makes ``round_list``, ``add_round_button``, ``remove_round_button`` and
``round_editor`` attributes of the editor, fills the list with :func:`show_round_list`
and words each round in it with :func:`round_text`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from services.applications.editor_data import RoundData
from ui.applications.round_editor import RoundEditor
from ui.shell.accessible import selecting_makes_current


def build_rounds_tab(editor: QDialog) -> QWidget:
    """The tab's page: the rounds with "Add" and "Remove" on the left, the round on the right."""
    page = QWidget()
    layout = QHBoxLayout(page)
    splitter = QSplitter(Qt.Orientation.Horizontal, page)
    left = QWidget(splitter)
    left_layout = QVBoxLayout(left)
    left_layout.setContentsMargins(0, 0, 0, 0)
    editor.round_list = QListWidget(left)
    editor.round_list.setAccessibleName("Interview rounds")
    left_layout.addWidget(editor.round_list, 1)
    editor.add_round_button = QPushButton("Add round", left)
    editor.add_round_button.clicked.connect(editor.add_round)
    editor.remove_round_button = QPushButton("Remove round", left)
    editor.remove_round_button.clicked.connect(editor.remove_round)
    left_layout.addWidget(editor.add_round_button)
    left_layout.addWidget(editor.remove_round_button)
    scroll = QScrollArea(splitter)
    scroll.setWidgetResizable(True)
    editor.round_editor = RoundEditor(editor.default_zone, editor.default_business_days)
    scroll.setWidget(editor.round_editor)
    splitter.addWidget(left)
    splitter.addWidget(scroll)
    splitter.setSizes([190, 800])
    layout.addWidget(splitter)
    selecting_makes_current(editor.round_list)
    return page


def round_text(number: int, round_data: RoundData) -> str:
    """The round's line in the list: its title (or "Round N"), then its day and people."""
    title = round_data.title.strip() or f"Round {number}"
    when = ""
    if round_data.starts_at is not None:
        when = round_data.starts_at.strftime("%d %b %Y")
    people = len([p for p in round_data.interviewers if p.name.strip()])
    suffix = f" · {people} interviewer{'s' if people != 1 else ''}" if people else ""
    cancelled = " (cancelled)" if round_data.cancelled else ""
    return f"{title}{cancelled}\n{when}{suffix}"


def show_round_list(round_list: QListWidget, rounds: list[RoundData]) -> None:
    """List ``rounds``, keeping the current row where it can, without emitting signals."""
    current = round_list.currentRow()
    round_list.blockSignals(True)
    round_list.clear()
    for number, round_data in enumerate(rounds, start=1):
        QListWidgetItem(round_text(number, round_data), round_list)
    round_list.setCurrentRow(min(current, round_list.count() - 1))
    round_list.blockSignals(False)
