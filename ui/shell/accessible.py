"""What screen readers need beyond Qt's defaults, as an AT-SPI client sees the app (checked
from outside by tests/shell/test_atspi.py under Xvfb).

- A label that carries a message keeps its text as its accessible name (Qt's default, updated
  on every ``setText``) and says what it is in its description: :func:`message_label`.
- A combo box is named by a label (:func:`buddy_label`): on Linux Qt publishes a combo's
  current value as its accessible name and ignores ``setAccessibleName``; the label reaches
  the screen reader as the combo's "labelled by" relation.
- Date and time fields step on the Increase and Decrease actions: :func:`make_steppable`.
- A list whose current row switches what is shown follows a screen reader's "Toggle" or
  selection: :func:`selecting_makes_current`.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QDateTime, QObject, QTime, QTimer
from PySide6.QtWidgets import QDateTimeEdit, QLabel, QListWidget, QWidget

#: What one Increase or Decrease does: a day in a field with a date, else a quarter hour.
TIME_STEP_MINUTES = 15
_MINUTES_PER_DAY = 24 * 60


def message_label(label: QLabel, role: str) -> QLabel:
    """Let a screen reader read what ``label`` says, and what it is.

    The accessible name stays the label's text (a fixed name would hide the
    sentence); ``role`` ("Delivery state", "Similarity warning") becomes the
    accessible description.
    """
    label.setAccessibleName("")
    label.setAccessibleDescription(role)
    return label


def message_line(layout, parent: QWidget, role: str) -> QLabel:
    """A word-wrapped, empty :func:`message_label` for sentences about ``role``, added to
    ``layout``."""
    label = QLabel(parent)
    label.setWordWrap(True)
    message_label(label, role)
    layout.addWidget(label)
    return label


def buddy_label(text: str, buddy: QWidget, parent: QWidget | None = None) -> QLabel:
    """A label for ``buddy`` (``&`` marks its Alt key), created next to it.

    The label must share ``buddy``'s parent: Qt finds a widget's labels among its
    siblings, and that is where the "labelled by" relation comes from.
    """
    label = QLabel(text, parent if parent is not None else buddy.parentWidget())
    label.setBuddy(buddy)
    return label


class _Stepper(QObject):
    """Gives a date or time field the numeric value Qt's accessibility bridge steps.

    Qt advertises Increase and Decrease for every spin box, and performs them
    by adding ``singleStep`` to the widget's ``value`` property; date and time
    fields have no such property, so the actions did nothing. The value is kept
    here as dynamic properties: days (a date field), minutes of the day (a time
    field), or minutes since 1970 (both); a value set by assistive technology
    moves the field.
    """

    def __init__(self, edit: QDateTimeEdit) -> None:
        super().__init__(edit)
        self.edit = edit
        sections = edit.displayedSections()
        self.has_date = bool(sections & QDateTimeEdit.Section.DateSections_Mask)
        self.has_time = bool(sections & QDateTimeEdit.Section.TimeSections_Mask)
        self._writing = False
        step = 1 if not self.has_time else (
            _MINUTES_PER_DAY if self.has_date else TIME_STEP_MINUTES)
        edit.setProperty("singleStep", step)
        edit.dateTimeChanged.connect(self.publish)
        edit.installEventFilter(self)
        self.publish()

    def _number(self, moment: QDateTime) -> int:
        if not self.has_time:
            return moment.date().toJulianDay()
        if not self.has_date:
            time = moment.time()
            return time.hour() * 60 + time.minute()
        return moment.toSecsSinceEpoch() // 60

    def _moment(self, number: int) -> QDateTime:
        current = self.edit.dateTime()
        if not self.has_time:
            return QDateTime(QDate.fromJulianDay(number), current.time(), current.timeZone())
        if not self.has_date:
            return QDateTime(current.date(), QTime(number // 60, number % 60),
                             current.timeZone())
        return QDateTime.fromSecsSinceEpoch(number * 60, current.timeZone())

    def publish(self, *_args) -> None:
        """Write the field's value, minimum and maximum as numbers."""
        self._writing = True
        try:
            edit = self.edit
            edit.setProperty("value", self._number(edit.dateTime()))
            edit.setProperty("minimum", self._number(edit.minimumDateTime()))
            edit.setProperty("maximum", self._number(edit.maximumDateTime()))
        finally:
            self._writing = False

    def eventFilter(self, watched, event) -> bool:
        """Move the field when assistive technology sets its ``value``."""
        if (not self._writing and event.type() == event.Type.DynamicPropertyChange
                and bytes(event.propertyName()) == b"value"):
            wanted = self.edit.property("value")
            if isinstance(wanted, int | float):
                edit = self.edit
                lowest = self._number(edit.minimumDateTime())
                highest = self._number(edit.maximumDateTime())
                edit.setDateTime(self._moment(min(max(round(wanted), lowest), highest)))
            self.publish()
        return False


def make_steppable(edit: QDateTimeEdit) -> QDateTimeEdit:
    """Make the Increase and Decrease actions of a date or time field step it (a day, or
    :data:`TIME_STEP_MINUTES` in a time-only field); return the field."""
    _Stepper(edit)
    return edit


def selecting_makes_current(view: QListWidget) -> QListWidget:
    """Make a selection made by assistive technology move ``view``'s current row.

    Qt gives every list item a "Toggle" action (and the list a Selection
    interface) that only selects the item; a list whose current row switches
    what is shown (sections, rounds, recipients) follows the selection here.
    Toggling the current item keeps it selected.
    """

    def keep_current_selected() -> None:
        if not view.selectedIndexes() and view.currentItem() is not None:
            view.currentItem().setSelected(True)

    def follow() -> None:
        rows = {index.row() for index in view.selectedIndexes()}
        others = sorted(rows - {view.currentRow()})
        if others:
            view.setCurrentRow(others[0])
        elif not rows:
            # Later: selecting an item first clears the selection, then selects the item.
            QTimer.singleShot(0, view, keep_current_selected)

    view.itemSelectionChanged.connect(follow)
    return view
