"""Settings: you and your search, the email account, and your data.

:class:`SettingsView` is the section the window builds (:mod:`ui.shell.views`); its tabs
are :class:`GeneralPage` (here), the email account (:mod:`ui.mail.account_page`), the
templates (:mod:`ui.mail.template_page`) and the data (:mod:`ui.data.page`).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from services.core import settings
from services.reminders import autostart
from ui.data.page import DataPage
from ui.mail.account_page import AccountPage
from ui.mail.template_page import TemplatePage
from ui.shell.accessible import message_label
from ui.shell.labels import section_title
from ui.shell.theme import apply_theme

THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))

#: (setting key, label, minimum, maximum, suffix, help)
NUMBERS = (
    ("search.weekly_goal", "Weekly goal", 1, 100, " applications",
     "How many applications you aim to send each week."),
    ("reminders.thanks_after_hours", "Thank-you reminder", 0, 72, " hours after",
     "How soon after an interview to remind you about thank-you notes."),
    ("reminders.follow_up_grace_business_days", "Follow-up grace", 0, 30, " business days",
     "How long after the expected answer date to suggest a follow-up."),
    ("reminders.stall_days", "Keep-going nudge", 1, 60, " days",
     "Days without a new application, while everything waits, before a nudge."),
    ("outlook.default_response_business_days", "Default answer time", 1, 60, " business days",
     "Assumed when nobody told you how long the process takes."),
)


class GeneralPage(QWidget):
    """Your name and signature, the look, and the numbers behind reminders."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        window.ensure_store()
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_you())
        layout.addWidget(self._build_look())
        layout.addWidget(self._build_numbers())
        layout.addLayout(self._build_save_row())
        layout.addStretch(1)

    def _build_you(self) -> QGroupBox:
        """Your name and signature (used in the notes)."""
        you = QGroupBox("You", self)
        form = QFormLayout(you)
        self.user_name = QLineEdit(settings.get("user.name"), you)
        self.signature = QPlainTextEdit(settings.get("user.signature"), you)
        self.signature.setMaximumHeight(90)
        self.signature.setAccessibleName("Signature")
        for text, widget in (("Your &name", self.user_name), ("&Signature", self.signature)):
            label = QLabel(text, you)
            label.setBuddy(widget)
            form.addRow(label, widget)
        return you

    def _build_look(self) -> QGroupBox:
        """The theme, and whether the app starts at login."""
        look = QGroupBox("Look", self)
        look_form = QFormLayout(look)
        self.theme = QComboBox(look)
        for key, label in THEMES:
            self.theme.addItem(label, key)
        self.theme.setCurrentIndex(max(self.theme.findData(settings.get("ui.theme")), 0))
        theme_label = QLabel("&Theme", look)
        theme_label.setBuddy(self.theme)
        look_form.addRow(theme_label, self.theme)
        self.autostart = QCheckBox("Start Next Steps at login, in the system tray", look)
        self.autostart.setChecked(autostart.is_enabled(self.window_.paths.root))
        look_form.addRow("", self.autostart)
        return look

    def _build_numbers(self) -> QGroupBox:
        """The numbers behind reminders and goals (:data:`NUMBERS`)."""
        numbers = QGroupBox("Reminders and goals", self)
        numbers_form = QFormLayout(numbers)
        self.numbers: dict[str, QSpinBox] = {}
        for key, text, low, high, suffix, help_text in NUMBERS:
            spin = QSpinBox(numbers)
            spin.setRange(low, high)
            spin.setSuffix(suffix)
            spin.setValue(int(settings.get(key)))
            spin.setToolTip(help_text)
            spin.setAccessibleDescription(help_text)
            label = QLabel(text, numbers)
            label.setBuddy(spin)
            numbers_form.addRow(label, spin)
            self.numbers[key] = spin
        return numbers

    def _build_save_row(self) -> QHBoxLayout:
        """What saving did, and Save."""
        row = QHBoxLayout()
        self.saved = QLabel(self)
        message_label(self.saved, "Settings status")
        row.addWidget(self.saved, 1)
        self.save_button = QPushButton("Save", self)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        return row

    def save(self) -> None:
        """Store every field and apply the theme now."""
        settings.put("user.name", self.user_name.text().strip())
        settings.put("user.signature", self.signature.toPlainText().rstrip())
        theme = self.theme.currentData()
        settings.put("ui.theme", theme)
        for key, spin in self.numbers.items():
            settings.put(key, spin.value())
        apply_theme(QApplication.instance(), theme)
        data_dir = self.window_.paths.root  # the folder in use, written into the entry
        if self.autostart.isChecked() != autostart.is_enabled(data_dir):
            try:
                if self.autostart.isChecked():
                    autostart.enable(data_dir=data_dir)
                else:
                    autostart.disable()
            except OSError as exc:
                self.saved.setText(f"Saved, but start at login could not be changed: "
                                   f"{exc.strerror or exc}.")
                return
        if hasattr(self.window_, "reminders_changed"):
            self.window_.reminders_changed()
        self.saved.setText("Saved.")


class SettingsView(QWidget):
    """Settings in tabs; each page saves its own part."""

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.setAccessibleName("Settings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        title = section_title("Settings", self)
        layout.addWidget(title)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Settings sections")
        self.general = GeneralPage(window)
        self.tabs.addTab(self.general, "&General")
        for builder, label in ((self._account_page, "&Email account"),
                               (self._template_page, "&Templates"),
                               (self._data_page, "&Data")):
            page = builder()
            if page is not None:
                self.tabs.addTab(page, label)
        layout.addWidget(self.tabs, 1)

    def _account_page(self) -> QWidget | None:
        page = AccountPage()
        page.saved.connect(self._mail_account_saved)
        page.mailbox.saved.connect(self._mail_account_saved)
        # Both accounts' forms are taller than a small window: the page scrolls.
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return scroll

    def _mail_account_saved(self, _account) -> None:
        """Either account was saved: the mailbox watcher starts again with what is saved."""
        watch = getattr(self.window_, "mailbox_watch", None)
        start = getattr(self.window_, "start_mailbox_watch", None)
        if watch is not None:
            watch.account_changed()
        elif start is not None:
            start()  # the first mailbox saved since the start

    def _template_page(self) -> QWidget | None:
        return TemplatePage(self.window_)

    def _data_page(self) -> QWidget | None:
        return DataPage(self.window_.paths, self.window_.ensure_store, self.window_.restart)

    def show_tab(self, name: str) -> None:
        """Switch to the tab whose title contains ``name`` (e.g. "Data")."""
        for number in range(self.tabs.count()):
            if name.lower() in self.tabs.tabText(number).replace("&", "").lower():
                self.tabs.setCurrentIndex(number)
                return
