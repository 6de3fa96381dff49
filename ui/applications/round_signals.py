"""The round editor's "How it ended" box: what they said, the signs noticed, the time frame.

:class:`ui.applications.round_editor.RoundEditor` calls :func:`build_ending_box`, which
makes the box's fields attributes of the editor: ``closing_phrase``, ``signal_boxes``
(one check box per sign, by key), ``asked_timeframe``, ``timeframe_value`` and
``timeframe_unit``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from models.values import TIMEFRAME_UNIT_LABELS, TimeframeUnit
from services.applications import prospects
from ui.shell.accessible import buddy_label


def build_ending_box(editor: QWidget) -> QGroupBox:
    """The "How it ended" box, a child of ``editor``, its fields set on ``editor``."""
    ending = QGroupBox("How it ended", editor)
    ending_layout = QVBoxLayout(ending)
    ending_layout.addLayout(_closing_phrase_row(editor, ending))
    ending_layout.addLayout(_signs_grid(editor, ending))
    ending_layout.addLayout(_timeframe_row(editor, ending))
    ending_layout.addStretch(1)
    return ending


def _closing_phrase_row(editor: QWidget, ending: QGroupBox) -> QFormLayout:
    """"They said": the closing phrase, typed or picked from the usual ones."""
    phrase_form = QFormLayout()
    editor.closing_phrase = QComboBox(ending)
    editor.closing_phrase.setEditable(True)
    editor.closing_phrase.setAccessibleName("Closing phrase")
    editor.closing_phrase.addItem("")
    editor.closing_phrase.addItems(list(prospects.CLOSING_PHRASE_PRESETS))
    editor.closing_phrase.lineEdit().setPlaceholderText("What did they say at the end?")
    phrase_form.addRow(buddy_label("They &said", editor.closing_phrase),
                       editor.closing_phrase)
    return phrase_form


def _signs_grid(editor: QWidget, ending: QGroupBox) -> QGridLayout:
    """Hopeful signs on the left, worrying ones on the right, one check box each."""
    grid = QGridLayout()
    grid.addWidget(QLabel("<b>Hopeful signs</b>", ending), 0, 0)
    grid.addWidget(QLabel("<b>Worrying signs</b>", ending), 0, 1)
    editor.signal_boxes = {}
    rows = {True: 1, False: 1}
    for signal in prospects.SIGNALS:
        box = QCheckBox(signal.label, ending)
        positive = signal.weight > 0
        grid.addWidget(box, rows[positive], 0 if positive else 1)
        rows[positive] += 1
        editor.signal_boxes[signal.key] = box
    return grid


def _timeframe_row(editor: QWidget, ending: QGroupBox) -> QHBoxLayout:
    """"I asked how long it takes; they said" a number and a unit."""
    timeframe = QHBoxLayout()
    editor.asked_timeframe = QCheckBox("I asked how long it takes; they said", ending)
    editor.timeframe_value = QSpinBox(ending)
    editor.timeframe_value.setRange(0, 9999)
    editor.timeframe_value.setSpecialValueText("—")
    editor.timeframe_value.setAccessibleName("Time frame")
    editor.timeframe_unit = QComboBox(ending)
    editor.timeframe_unit.setAccessibleName("Time frame unit")
    for unit in TimeframeUnit:
        editor.timeframe_unit.addItem(TIMEFRAME_UNIT_LABELS[unit], unit.value)
    timeframe.addWidget(editor.asked_timeframe)
    timeframe.addWidget(editor.timeframe_value)
    timeframe.addWidget(buddy_label("&unit", editor.timeframe_unit, ending))
    timeframe.addWidget(editor.timeframe_unit)
    timeframe.addStretch(1)
    return timeframe
