"""Record or edit an offer, and decide on it: ask for more time, accept or decline.

:class:`OfferDialog` edits one offer of one application. On an existing
pending offer it also offers the three decisions:

* **Ask for more time** saves any edits, emits ``ask_more_time(application_id)``
  and closes (the main window opens the composer with the ``more_time``
  template);
* **Accept** accepts the offer (the application becomes *accepted*);
* **Decline** first asks :func:`services.applications.advice.before_declining_offer`; when
  other processes are still open it shows an :class:`ui.applications.advice_message.AdviceMessage`
  inside the dialog, with "Decline anyway" (declines) and "Ask for more time"
  (as above). Otherwise it declines at once.

Input problems are listed above the form as sentences; nothing typed is
changed or lost. :meth:`OfferDialog.ask` opens the dialog modally and
returns the offer id (None when cancelled); tests replace it. The form's
fields are built in :mod:`ui.applications.offer_form`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QLocale, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.values import OfferStatus
from services.applications import advice as advice_rules
from services.applications import offers
from services.applications.field_problems import zone_problem
from services.applications.loading import ApplicationNotFoundError
from ui.applications.advice_message import AdviceMessage
from ui.applications.offer_form import build_offer_form
from ui.shell.accessible import message_label

__all__ = ["ConfirmDiscard", "OfferDialog"]

_FIELDS = ("received_on", "deadline", "deadline_tz", "amount", "currency")
_STATUS_TEXT = {
    OfferStatus.ACCEPTED.value: "You accepted this offer.",
    OfferStatus.DECLINED.value: "You declined this offer.",
}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _default_currency() -> str:
    code = QLocale().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
    return code if len(code) == 3 and code.isalpha() else ""


class ConfirmDiscard:
    """Asks before throwing away unsaved changes; tests replace :meth:`ask`."""

    @classmethod
    def ask(cls, parent: QWidget) -> bool:
        """True when the user agrees to close without saving."""
        answer = QMessageBox.question(
            parent, "Unsaved changes",
            "Close without saving the changes to this offer?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard


class OfferDialog(QDialog):
    """Records a new offer on ``application_id`` or edits offer ``offer_id``.

    Signals: ``saved(offer_id)``, ``ask_more_time(application_id)``,
    ``accepted_offer(offer_id)``, ``declined_offer(offer_id)``.
    """

    saved = Signal(int)
    ask_more_time = Signal(int)
    accepted_offer = Signal(int)
    declined_offer = Signal(int)

    def __init__(self, parent: QWidget | None, application_id: int,
                 offer_id: int | None = None, zone_name: str = "UTC", *,
                 received_on: date | None = None, deadline: date | None = None) -> None:
        """Build the form, filled from the offer when ``offer_id`` is given.

        ``zone_name`` is the default zone of a new deadline; ``received_on`` and
        ``deadline`` (the day, at 17:00) fill in a new offer, and a deadline an offer
        recorded without one (a message read from the mailbox gives them).
        """
        super().__init__(parent)
        self.application_id = application_id
        self.offer_id = offer_id
        self.zone_name = zone_name if not zone_problem(zone_name) else "UTC"
        company, role = offers.application_title(application_id)
        record = offers.load_offer(offer_id) if offer_id is not None else None
        self.status = record.status if record else OfferStatus.PENDING.value
        self.setWindowTitle(f"Offer from {company}" if record
                            else f"Record an offer from {company}")
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        self._build_banners(layout)
        self._build_heading(layout, f"{role} at {company}")
        layout.addLayout(build_offer_form(self))
        self.has_deadline.toggled.connect(self._update_deadline_fields)
        layout.addLayout(self._build_decisions(record is not None
                                               and self.status == OfferStatus.PENDING.value))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._save_and_close)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self._populate(record)
        self._prefill(record, received_on, deadline)
        self._saved_state = self._state()
        self.amount.setFocus()

    # -- building ---------------------------------------------------------------------
    def _build_banners(self, layout: QVBoxLayout) -> None:
        """The advice banner and the list of problems, both hidden until needed."""
        self.advice = AdviceMessage(self)
        self.advice.go_on.connect(self._decline_now)
        self.advice.better.connect(self._on_better)
        layout.addWidget(self.advice)
        self.problems = QLabel(self)
        self.problems.setObjectName("ProblemBanner")
        self.problems.setWordWrap(True)
        message_label(self.problems, "Problems to fix before saving")
        self.problems.setStyleSheet(
            "QLabel#ProblemBanner { background: #fdecea; color: #6b1a12; border: 1px solid #e0a39a;"
            " border-radius: 4px; padding: 8px; }")
        self.problems.hide()
        layout.addWidget(self.problems)

    def _build_heading(self, layout: QVBoxLayout, heading_text: str) -> None:
        """The role and company in bold, and whether the offer was accepted or declined."""
        heading = QLabel(heading_text, self)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        self.status_label = QLabel(_STATUS_TEXT.get(self.status, ""), self)
        message_label(self.status_label, "Offer status")
        self.status_label.setVisible(self.status in _STATUS_TEXT)
        layout.addWidget(self.status_label)

    def _build_decisions(self, shown: bool) -> QHBoxLayout:
        """Ask for more time, accept, decline: ``shown`` on a pending offer only."""
        decisions = QHBoxLayout()
        self.more_time_button = QPushButton("Ask for &more time", self)
        self.more_time_button.setAccessibleName("Ask for more time")
        self.more_time_button.setToolTip("Write to them asking for a few more days to decide")
        self.more_time_button.clicked.connect(self.request_more_time)
        self.accept_button = QPushButton("A&ccept offer", self)
        self.accept_button.setAccessibleName("Accept offer")
        self.accept_button.clicked.connect(self.accept_offer)
        self.decline_button = QPushButton("&Decline offer", self)
        self.decline_button.setAccessibleName("Decline offer")
        self.decline_button.clicked.connect(self.decline_offer)
        for button in (self.more_time_button, self.accept_button, self.decline_button):
            button.setAutoDefault(False)
            decisions.addWidget(button)
            button.setVisible(shown)
        decisions.addStretch(1)
        return decisions

    def _populate(self, record: offers.OfferRecord | None) -> None:
        today = clock.now().astimezone(ZoneInfo(self.zone_name)).date()
        if record is None:
            self.received.setDate(_qdate(today))
            self.has_deadline.setChecked(True)
            self.deadline_day.setDate(_qdate(today + timedelta(days=7)))
            self.deadline_time.setTime(QTime(17, 0))
            self.zone.setCurrentText(self.zone_name)
            self.currency.setCurrentText(_default_currency())
        else:
            self.received.setDate(_qdate(record.received_on or today))
            self.has_deadline.setChecked(record.deadline is not None)
            deadline = record.deadline
            if deadline is None:
                deadline = datetime.combine(today + timedelta(days=7), time(17, 0),
                                            tzinfo=ZoneInfo(self.zone_name))
                self.zone.setCurrentText(self.zone_name)
            else:
                self.zone.setCurrentText(record.deadline_tz)
            self.deadline_day.setDate(_qdate(deadline.date()))
            self.deadline_time.setTime(QTime(deadline.hour, deadline.minute))
            self.amount.setText("" if record.amount is None else f"{record.amount:,.2f}"
                                .removesuffix(".00"))
            self.currency.setCurrentText(record.currency)
            self.notes.setPlainText(record.notes)
        self._update_deadline_fields()

    def _prefill(self, record: offers.OfferRecord | None, received_on: date | None,
                 deadline: date | None) -> None:
        if record is None and received_on is not None:
            self.received.setDate(_qdate(received_on))
        if deadline is not None and (record is None or record.deadline is None):
            self.has_deadline.setChecked(True)
            self.deadline_day.setDate(_qdate(deadline))

    def _update_deadline_fields(self, *_args) -> None:
        on = self.has_deadline.isChecked()
        for widget in (self.deadline_day, self.deadline_time, self.zone):
            widget.setEnabled(on)

    def _state(self) -> tuple:
        return (self.received.date(), self.has_deadline.isChecked(), self.deadline_day.date(),
                self.deadline_time.time(), self.zone.currentText(), self.amount.text(),
                self.currency.currentText(), self.notes.toPlainText())

    def is_dirty(self) -> bool:
        """True when the form differs from what was loaded or last saved."""
        return self._state() != self._saved_state

    # -- collecting and saving ----------------------------------------------------------
    def collect(self) -> tuple[dict, dict[str, str]]:
        """The form's values for :func:`services.applications.offers.record_offer`, and its
        problems."""
        problems: dict[str, str] = {}
        zone_name = self.zone.currentText().strip()
        deadline = None
        if self.has_deadline.isChecked():
            zone = UTC if zone_problem(zone_name) else ZoneInfo(zone_name)
            day = _pydate(self.deadline_day.date())
            picked = self.deadline_time.time()
            deadline = datetime.combine(day, time(picked.hour(), picked.minute()), tzinfo=zone)
        try:
            amount: Decimal | None = offers.parse_amount(self.amount.text())
        except ValueError as exc:
            amount = None
            problems["amount"] = str(exc)
        values = {
            "received_on": _pydate(self.received.date()),
            "deadline": deadline,
            "deadline_tz": zone_name if deadline is not None else self.zone_name,
            "amount": amount,
            "currency": self.currency.currentText().strip(),
            "notes": self.notes.toPlainText(),
        }
        found = offers.validate(values["received_on"], deadline, values["deadline_tz"],
                                amount, values["currency"])
        found.update(problems)
        # In the order of the form, so the first problem is the first field to fix.
        return values, {key: found[key] for key in _FIELDS if key in found}

    def save(self) -> int | None:
        """Validate and save; return the offer id, or None after showing what to fix."""
        values, problems = self.collect()
        if problems:
            self.show_problems(problems)
            return None
        try:
            if self.offer_id is None:
                self.offer_id = offers.record_offer(self.application_id, now=clock.now(),
                                                    **values)
            else:
                offers.update_offer(self.offer_id, **values)
        except offers.OfferProblem as exc:
            self.show_problems(exc.problems)
            return None
        except (ApplicationNotFoundError, offers.OfferNotFoundError) as exc:
            self.show_problems({"": f"{exc} Nothing was saved; copy what you typed if you "
                                    "need it."})
            return None
        self.problems.hide()
        self._saved_state = self._state()
        self.saved.emit(self.offer_id)
        return self.offer_id

    def show_problems(self, problems: dict[str, str]) -> None:
        """List what to fix above the form and focus the first field; nothing typed changes."""
        lines = ["Not saved yet. Please fix:"]
        lines += [f"• {sentence}" for sentence in problems.values()]
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setText("\n".join(lines))
        self.problems.show()
        widgets = {"received_on": self.received, "deadline": self.deadline_day,
                   "deadline_tz": self.zone, "amount": self.amount, "currency": self.currency}
        first = next(iter(problems), "")
        if first in widgets:
            widgets[first].setFocus()

    def _save_if_changed(self) -> bool:
        if self.offer_id is not None and not self.is_dirty():
            return True
        return self.save() is not None

    def _save_and_close(self) -> None:
        if self.save() is not None:
            self.accept()

    # -- decisions ------------------------------------------------------------------------
    def request_more_time(self) -> None:
        """Save any edits, ask the window for the "more time" email, and close."""
        if not self._save_if_changed():
            return
        self.ask_more_time.emit(self.application_id)
        self.accept()

    def accept_offer(self) -> None:
        """Save any edits, accept the offer, and close."""
        if not self._save_if_changed():
            return
        offers.accept_offer(self.offer_id, clock.now())
        self.accepted_offer.emit(self.offer_id)
        self.accept()

    def decline_offer(self) -> None:
        """Save any edits; then decline, unless the advice suggests a better way first."""
        if not self._save_if_changed():
            return
        shown = advice_rules.before_declining_offer(
            advice_rules.facts_for_decline(self.offer_id))
        if shown is None:
            self._decline_now()
        else:
            self.advice.show_advice(shown)

    def _decline_now(self) -> None:
        offers.decline_offer(self.offer_id, clock.now())
        self.declined_offer.emit(self.offer_id)
        self.accept()

    def _on_better(self, action: str) -> None:
        if action == "ask_more_time":
            self.request_more_time()

    # -- closing ---------------------------------------------------------------------------
    def reject(self) -> None:
        """Close without saving; with unsaved changes, ask first."""
        if self.is_dirty() and not ConfirmDiscard.ask(self):
            return
        super().reject()

    def closeEvent(self, event) -> None:
        """The window's close button behaves like Cancel."""
        event.ignore()
        self.reject()

    @classmethod
    def ask(cls, parent: QWidget | None, application_id: int, offer_id: int | None = None,
            zone_name: str = "UTC",
            on_more_time: Callable[[int], None] | None = None, *,
            received_on: date | None = None, deadline: date | None = None) -> int | None:
        """Open the dialog modally; the offer id when saved or decided, else None.

        ``on_more_time(application_id)`` is called when the user chose "Ask for more time"
        (after the dialog closed); ``received_on`` and ``deadline`` as for the constructor.
        """
        dialog = cls(parent, application_id, offer_id, zone_name, received_on=received_on,
                     deadline=deadline)
        asked: list[int] = []
        dialog.ask_more_time.connect(asked.append)
        try:
            result = dialog.exec()
            if asked and on_more_time is not None:
                on_more_time(asked[0])
            if result == QDialog.DialogCode.Accepted:
                return dialog.offer_id
            return None
        finally:
            dialog.deleteLater()
