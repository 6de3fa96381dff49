"""The reminder list's table model (ReminderListModel) passes Qt's model tester: empty, with a
reminder of every kind, through resets, and as the panel fills it from the demo data."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from models import clock
from services.core.snapshot import read_snapshot
from services.reminders.items import ReminderItem
from services.reminders.rules import ReminderKind
from tests.support.reminders_ready import reminders_started
from ui.reminders.reminder_list import ReminderListModel
from ui.shell.main_window import MainWindow
from ui.shell.reminder_system import start_reminders

BERLIN = ZoneInfo("Europe/Berlin")


def every_kind() -> list[ReminderItem]:
    """One reminder of each kind, due around now; the custom one snoozed, texts not ASCII."""
    now = clock.now()
    tomorrow = (now + timedelta(days=1)).strftime("%Y%m%dT%H%MZ")
    keys = {ReminderKind.INTERVIEW_TOMORROW: f"interview:round:r1:{tomorrow}:evening"}
    items = []
    for n, kind in enumerate(ReminderKind, start=1):
        snoozed = kind == ReminderKind.CUSTOM
        items.append(ReminderItem(
            n, keys.get(kind, f"{kind.value}:{n}"), kind, f"Écrire à José Núñez — {n} 🎉",
            now - timedelta(hours=n), "snoozed" if snoozed else "shown", n, n, snoozed,
            snoozed_until=now + timedelta(hours=1) if snoozed else None))
    return items


def test_an_empty_reminder_list_model_passes_the_model_tester(qtmodeltester):
    model = ReminderListModel(lambda: BERLIN)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 0 and model.columnCount() == 3


def test_the_reminder_list_model_passes_the_model_tester_through_resets(qtmodeltester):
    model = ReminderListModel(lambda: BERLIN)
    items = every_kind()
    model.set_items(items)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(ReminderKind)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["Reminder", "Due", "Details"]
    first = model.index(0, 0)
    assert model.data(first, ReminderListModel.ItemRole) == items[0]
    assert model.data(first) == items[0].title
    assert model.data(model.index(0, 2), Qt.ItemDataRole.AccessibleTextRole) == items[0].text
    assert model.data(first, Qt.ItemDataRole.ToolTipRole).endswith(f"): {items[0].text}")
    # The tester stays attached: the resets below are checked too.
    model.set_items(items[3:5])
    assert model.items() == items[3:5]
    model.set_items([])
    assert model.rowCount() == 0


def test_the_panels_model_passes_the_model_tester_with_the_demo_reminders(qtbot, qtmodeltester,
                                                                         demo_store):
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    system = reminders_started(qtbot, start_reminders(window))
    try:
        model = system.panel.list.model
        assert model.rowCount() > 3
        qtmodeltester.check(model, force_py=True)
    finally:
        if system.missed_dialog is not None:
            system.missed_dialog.close()
        system.stop()
