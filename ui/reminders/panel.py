"""Reminders inside the window: the panel above the sections and the missed-reminders list.

The panel (:class:`ReminderPanel`) lists every outstanding reminder (due, or
shown and not yet done or snoozed) and hides itself when there is none. It
is the reminders' home where the desktop has no system tray, and a second
way to reach them where it has one. :class:`MissedRemindersDialog` lists,
once at start, the reminders that came due while the app was closed. Both
show a :class:`ui.reminders.reminder_list.ReminderList` that acts on the selected
reminders: Open, Done, Snooze (an hour, three hours, tomorrow morning, next Monday
morning, or a chosen time: :mod:`ui.reminders.snooze_dialog`). The tray
(:mod:`ui.shell.tray`) uses both and :func:`open_reminder`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.reminders.reminder_list import ReminderList

#: Rows the panel shows before it scrolls.
PANEL_ROWS = 4


def open_reminder(window, item) -> None:
    """Show what a reminder is about: the composer for notes, else its application.

    Brings the window to the front first unless it is the active window (it
    may be hidden in the tray). The
    composer is opened through ``window.open_composer(application_id,
    round_id, template_key=…)`` when the window has it, else the application.
    """
    if window is None:
        return
    if not (window.isVisible() and window.isActiveWindow() and not window.isMinimized()):
        if hasattr(window, "bring_to_front"):
            window.bring_to_front()
        else:
            window.showNormal()
            window.raise_()
    target = item.open_target
    if target.what == "composer" and hasattr(window, "open_composer"):
        window.open_composer(target.application_id, target.round_id,
                             template_key=target.template_key)
    elif target.what in ("composer", "editor") and target.application_id is not None:
        window.open_editor(target.application_id)
    elif target.what == "new_application":
        window.open_editor(None)


class ReminderPanel(QFrame):
    """The reminders due, above the window's sections; hidden when there is none.

    Place it with ``window.add_banner(panel)``; it refreshes itself when the
    scheduler says reminders changed. ``items`` are the outstanding reminders when the
    caller has them already (read on a worker at start-up); otherwise they are read here.
    """

    def __init__(self, scheduler, opener: Callable[[object], None],
                 parent: QWidget | None = None, items: list | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReminderPanel")
        self.setAccessibleName("Reminders")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "QFrame#ReminderPanel { background: palette(alternate-base);"
            " border: 1px solid palette(mid); border-radius: 6px; }")
        self.scheduler = scheduler
        self.heading = QLabel(self)
        self.heading.setObjectName("ReminderPanelHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.snooze_all_button = QPushButton("Snooze all for an hour", self)
        self.snooze_all_button.setAccessibleName("Snooze all reminders for an hour")
        self.snooze_all_button.clicked.connect(self.snooze_all)
        self.list = ReminderList(scheduler, opener, self, name="Reminders due")
        row_height = self.fontMetrics().height() + 6
        header_height = self.list.view.header().sizeHint().height()
        self.list.view.setMaximumHeight(header_height + row_height * PANEL_ROWS + 6)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.snooze_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.list)
        scheduler.changed.connect(self.refresh)
        self.refresh(items)

    def refresh(self, items: list | None = None) -> None:
        """Show ``items`` (default: the outstanding reminders, read now); hide when there
        are none."""
        if items is None:
            items = self.scheduler.outstanding()
        count = len(items)
        self.heading.setText("1 reminder" if count == 1 else f"{count:,} reminders")
        self.list.set_items(items)
        self.setVisible(bool(items))

    def items(self) -> list:
        """The reminders listed."""
        return self.list.model.items()

    def snooze_all(self) -> None:
        """Snooze every listed reminder for an hour."""
        self.scheduler.snooze_all_for_an_hour()


class MissedRemindersDialog(QDialog):
    """The reminders that came due while Next Steps was closed, listed once at start."""

    def __init__(self, ids: Sequence[int], scheduler, opener: Callable[[object], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MissedRemindersDialog")
        self.setWindowTitle("Reminders while Next Steps was closed")
        self.scheduler = scheduler
        self._ids = list(ids)
        count = len(self._ids)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.intro.setText(
            ("This reminder" if count == 1 else f"These {count:,} reminders")
            + " came due while Next Steps was closed. Open one to act on it, mark it done, "
            "or snooze it until a better moment.")
        self.list = ReminderList(scheduler, opener, self, name="Missed reminders")
        self.close_button = QPushButton("Close", self)
        self.close_button.setAccessibleName("Close the list of missed reminders")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        self.list.buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        self.resize(720, 360)
        scheduler.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Keep only the listed reminders that are still outstanding."""
        wanted = set(self._ids)
        items = [item for item in self.scheduler.outstanding() if item.id in wanted]
        self.list.set_items(items)

    def items(self) -> list:
        """The reminders listed."""
        return self.list.model.items()
