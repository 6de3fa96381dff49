"""The application editor's "Application" tab: the job, how you applied, stage, offer, notes.

:class:`ui.applications.editor.ApplicationEditor` calls :func:`build_application_tab`,
which makes the tab's fields attributes of the editor (``company``, ``role``,
``posting_url``, ``applied_on``, ``salary_notes``, ``direct``, ``agency``,
``agency_name``, ``recruiter_name``, ``recruiter_email``, ``contact_name``,
``contact_email``, ``stage``, ``history``, ``offer_summary``, ``offer_button``,
``notes``, …); :func:`show_application` fills them from an application,
:func:`read_application` reads them back and :func:`show_stage_history` lists the stage
changes.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.values import STAGE_LABELS, Channel, Stage
from services.applications.editor_data import ApplicationData
from ui.shell.accessible import buddy_label, make_steppable, message_label

#: The date the "Applied on" field shows as "Not set".
NOT_SET = QDate(1900, 1, 1)


def show_stage_history(history: QListWidget, entries) -> None:
    """List the stage changes, or say they are recorded on saving when there are none."""
    history.clear()
    for entry in entries:
        history.addItem(_stage_entry_text(entry))
    if history.count() == 0:
        history.addItem("Recorded when you save.")


def _stage_entry_text(entry) -> str:
    """One line of the stage history: when, and from which stage to which."""
    to_label = STAGE_LABELS.get(Stage(entry.to_stage), entry.to_stage)
    when = entry.changed_at.astimezone(clock.user_zone()).strftime("%d %b %Y, %H:%M")
    if entry.from_stage is None:
        return f"{when}   {to_label}"
    from_label = STAGE_LABELS.get(Stage(entry.from_stage), entry.from_stage)
    return f"{when}   {from_label} → {to_label}"


def build_application_tab(editor: QDialog) -> QWidget:
    """The tab's page: the job and the channel on the left, stage, offer and notes right."""
    page = QWidget()
    outer = QHBoxLayout(page)
    left = QVBoxLayout()
    left.addWidget(_job_box(editor, page))
    left.addWidget(_channel_box(editor, page))
    left.addStretch(1)
    outer.addLayout(left, 3)
    right = QVBoxLayout()
    right.addWidget(_stage_box(editor, page))
    right.addWidget(_offer_box(editor, page))
    right.addWidget(_notes_box(editor, page), 1)
    outer.addLayout(right, 2)
    return page


def _labelled_rows(form: QFormLayout, parent: QWidget,
                   rows: tuple[tuple[str, QWidget], ...]) -> list[QWidget]:
    """Add each field under its label (``&`` marks its Alt key); the labels and fields."""
    added: list[QWidget] = []
    for text, widget in rows:
        label = QLabel(text, parent)
        label.setBuddy(widget)
        form.addRow(label, widget)
        added += [label, widget]
    return added


def _job_box(editor: QDialog, page: QWidget) -> QGroupBox:
    """Company, role, the posting's link, when you applied, salary notes."""
    job = QGroupBox("The job", page)
    form = QFormLayout(job)
    editor.company = QLineEdit(job)
    editor.role = QLineEdit(job)
    editor.posting_url = QLineEdit(job)
    editor.posting_url.setPlaceholderText("https://…")
    editor.applied_on = QDateEdit(job)
    editor.applied_on.setCalendarPopup(True)
    editor.applied_on.setDisplayFormat("d MMM yyyy")
    editor.applied_on.setMinimumDate(NOT_SET)
    editor.applied_on.setSpecialValueText("Not set")
    make_steppable(editor.applied_on)
    editor.salary_notes = QLineEdit(job)
    editor.salary_notes.setPlaceholderText("Range in the posting, what you asked for…")
    _labelled_rows(form, job, (("&Company", editor.company), ("&Role", editor.role),
                               ("Posting &link", editor.posting_url),
                               ("Applied &on", editor.applied_on),
                               ("Sa&lary notes", editor.salary_notes)))
    return job


def _channel_box(editor: QDialog, page: QWidget) -> QGroupBox:
    """Directly or through an agency, with the agency's and the HR contact's details."""
    channel = QGroupBox("How you applied", page)
    channel_layout = QVBoxLayout(channel)
    radios = QHBoxLayout()
    editor.direct = QRadioButton("&Directly", channel)
    editor.agency = QRadioButton("Through a staffing a&gency", channel)
    editor.channel_group = QButtonGroup(editor)
    editor.channel_group.addButton(editor.direct)
    editor.channel_group.addButton(editor.agency)
    radios.addWidget(editor.direct)
    radios.addWidget(editor.agency)
    radios.addStretch(1)
    channel_layout.addLayout(radios)
    channel_layout.addLayout(_contacts_form(editor, channel))
    return channel


def _contacts_form(editor: QDialog, channel: QGroupBox) -> QFormLayout:
    """The agency and its recruiter (enabled with an agency only), then the HR contact."""
    agency_form = QFormLayout()
    editor.agency_name = QLineEdit(channel)
    editor.recruiter_name = QLineEdit(channel)
    editor.recruiter_email = QLineEdit(channel)
    editor.agency_fields = _labelled_rows(
        agency_form, channel, (("Agency", editor.agency_name),
                               ("Recruiter", editor.recruiter_name),
                               ("Recruiter email", editor.recruiter_email)))
    editor.agency_hint = QLabel(
        "With an agency, the recruiter is your contact: thank-you notes and follow-ups "
        "go through them.", channel)
    editor.agency_hint.setWordWrap(True)
    agency_form.addRow(editor.agency_hint)
    editor.contact_name = QLineEdit(channel)
    editor.contact_email = QLineEdit(channel)
    _labelled_rows(agency_form, channel, (("HR contact", editor.contact_name),
                                          ("HR contact email", editor.contact_email)))
    return agency_form


def _stage_box(editor: QDialog, page: QWidget) -> QGroupBox:
    """The current stage and the history of stage changes."""
    stage_box = QGroupBox("Stage", page)
    stage_layout = QVBoxLayout(stage_box)
    editor.stage = QComboBox(stage_box)
    editor.stage.setAccessibleName("Stage")
    for stage in Stage:
        editor.stage.addItem(STAGE_LABELS[stage], stage.value)
    stage_layout.addWidget(buddy_label("Current s&tage", editor.stage))
    stage_layout.addWidget(editor.stage)
    editor.history = QListWidget(stage_box)
    editor.history.setAccessibleName("Stage history")
    stage_layout.addWidget(buddy_label("History", editor.history))
    editor.history.setMaximumHeight(140)
    stage_layout.addWidget(editor.history)
    return stage_box


def _offer_box(editor: QDialog, page: QWidget) -> QGroupBox:
    """The offer's one-line summary and the button that records or opens it."""
    offer_box = QGroupBox("Offer", page)
    offer_layout = QVBoxLayout(offer_box)
    editor.offer_summary = QLabel(offer_box)
    editor.offer_summary.setWordWrap(True)
    message_label(editor.offer_summary, "Offer")
    offer_layout.addWidget(editor.offer_summary)
    editor.offer_button = QPushButton("Record an offer…", offer_box)
    editor.offer_button.clicked.connect(editor.open_offer)
    offer_layout.addWidget(editor.offer_button)
    return offer_box


def _notes_box(editor: QDialog, page: QWidget) -> QGroupBox:
    """Free notes about the application."""
    notes_box = QGroupBox("Notes", page)
    notes_layout = QVBoxLayout(notes_box)
    editor.notes = QPlainTextEdit(notes_box)
    editor.notes.setAccessibleName("Notes")
    editor.notes.setPlaceholderText("Anything worth remembering about this application.")
    notes_layout.addWidget(editor.notes)
    return notes_box


def show_application(editor: QDialog, data: ApplicationData) -> None:
    """Show ``data`` in the tab's fields (the stage history and the offer aside)."""
    editor.company.setText(data.company)
    editor.role.setText(data.role)
    editor.posting_url.setText(data.posting_url)
    if data.applied_on:
        d = data.applied_on
        editor.applied_on.setDate(QDate(d.year, d.month, d.day))
    else:
        editor.applied_on.setDate(NOT_SET)
    editor.salary_notes.setText(data.salary_notes)
    (editor.agency if data.channel == Channel.AGENCY.value else editor.direct).setChecked(True)
    editor.agency_name.setText(data.agency_name)
    editor.recruiter_name.setText(data.recruiter_name)
    editor.recruiter_email.setText(data.recruiter_email)
    editor.contact_name.setText(data.contact_name)
    editor.contact_email.setText(data.contact_email)
    editor.stage.setCurrentIndex(max(editor.stage.findData(data.stage), 0))
    editor.notes.setPlainText(data.notes)


def read_application(editor: QDialog, data: ApplicationData) -> ApplicationData:
    """Put what the tab's fields hold into ``data`` and return it."""
    data.company = editor.company.text()
    data.role = editor.role.text()
    data.posting_url = editor.posting_url.text()
    qdate = editor.applied_on.date()
    data.applied_on = None if qdate == NOT_SET else date(qdate.year(), qdate.month(),
                                                          qdate.day())
    data.salary_notes = editor.salary_notes.text()
    data.channel = Channel.AGENCY.value if editor.agency.isChecked() else Channel.DIRECT.value
    data.agency_name = editor.agency_name.text()
    data.recruiter_name = editor.recruiter_name.text()
    data.recruiter_email = editor.recruiter_email.text()
    data.contact_name = editor.contact_name.text()
    data.contact_email = editor.contact_email.text()
    data.stage = editor.stage.currentData()
    data.notes = editor.notes.toPlainText()
    return data
