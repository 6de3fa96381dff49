"""The offer dialog's form: received on, the deadline with its zone, amount and currency, notes.

:class:`ui.applications.offer_dialog.OfferDialog` calls :func:`build_offer_form`, which
makes the fields attributes of the dialog: ``received``, ``has_deadline``,
``deadline_day``, ``deadline_time``, ``zone``, ``amount``, ``currency`` and ``notes``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTimeEdit,
    QWidget,
)

from services.applications import offers
from ui.applications.round_editor import zone_names
from ui.shell.accessible import make_steppable


def build_offer_form(dialog: QDialog) -> QFormLayout:
    """The form's rows, their fields children of ``dialog`` and set on it."""
    form = QFormLayout()
    dialog.received = QDateEdit(dialog)
    dialog.received.setCalendarPopup(True)
    dialog.received.setDisplayFormat("ddd d MMM yyyy")
    make_steppable(dialog.received).setAccessibleName("Received on")
    form.addRow(_label(dialog, "&Received on", dialog.received), dialog.received)
    dialog.has_deadline = QCheckBox("They want an answer &by", dialog)
    dialog.has_deadline.setAccessibleName("There is a deadline")
    form.addRow(dialog.has_deadline, _deadline_row(dialog))
    amount_row = _amount_row(dialog)
    form.addRow(_label(dialog, "&Amount", dialog.amount), amount_row)
    dialog.notes = QPlainTextEdit(dialog)
    dialog.notes.setAccessibleName("Notes")
    dialog.notes.setPlaceholderText("Bonus, equity, start date, what is still open…")
    dialog.notes.setMinimumHeight(80)
    form.addRow(_label(dialog, "&Notes", dialog.notes), dialog.notes)
    return form


def _label(dialog: QDialog, text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text, dialog)
    label.setBuddy(buddy)
    return label


def _deadline_row(dialog: QDialog) -> QHBoxLayout:
    """The deadline's day, time and zone."""
    dialog.deadline_day = QDateEdit(dialog)
    dialog.deadline_day.setCalendarPopup(True)
    dialog.deadline_day.setDisplayFormat("ddd d MMM yyyy")
    make_steppable(dialog.deadline_day).setAccessibleName("Deadline date")
    dialog.deadline_time = QTimeEdit(dialog)
    dialog.deadline_time.setDisplayFormat("HH:mm")
    make_steppable(dialog.deadline_time).setAccessibleName("Deadline time")
    dialog.zone = QComboBox(dialog)
    dialog.zone.setEditable(True)
    dialog.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    dialog.zone.addItems(zone_names())
    dialog.zone.setMinimumContentsLength(14)
    dialog.zone.setAccessibleName("Deadline time zone")
    deadline_row = QHBoxLayout()
    deadline_row.addWidget(dialog.deadline_day)
    deadline_row.addWidget(dialog.deadline_time)
    deadline_row.addWidget(_label(dialog, "time &zone", dialog.zone))
    deadline_row.addWidget(dialog.zone, 1)
    return deadline_row


def _amount_row(dialog: QDialog) -> QHBoxLayout:
    """The amount as typed (see :func:`services.applications.offers.parse_amount`) beside
    its currency, typed or picked from the common ones."""
    dialog.amount = QLineEdit(dialog)
    dialog.amount.setPlaceholderText("e.g. 74,000 (yearly, before tax)")
    dialog.amount.setAccessibleName("Amount")
    dialog.currency = QComboBox(dialog)
    dialog.currency.setEditable(True)
    dialog.currency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    dialog.currency.addItem("")
    dialog.currency.addItems(list(offers.COMMON_CURRENCIES))
    dialog.currency.setAccessibleName("Currency")
    dialog.currency.setMinimumContentsLength(5)
    dialog.currency.lineEdit().setPlaceholderText("EUR")
    dialog.currency.lineEdit().setMaxLength(12)
    amount_row = QHBoxLayout()
    amount_row.addWidget(dialog.amount, 1)
    amount_row.addWidget(_label(dialog, "C&urrency", dialog.currency))
    amount_row.addWidget(dialog.currency)
    return amount_row
