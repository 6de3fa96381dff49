"""The dashboard's "Interviews in the next 7 days": the When column shows every date whole at
the window's default size (offscreen, the real main window)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.applications import saving
from services.applications.editor_data import ApplicationData, RoundData
from services.core.snapshot import read_snapshot
from services.data import demo
from ui.shell.main_window import MainWindow

#: Late December: the week ahead reaches into the next year, whose dates carry the year.
TODAY = date(2025, 12, 27)


def _interviews_every_evening(zone: ZoneInfo) -> None:
    """One application with an interview at 21:00 on each of the next six days."""
    rounds = [RoundData(title=f"Round {n}", tz_name=zone.key,
                        starts_at=datetime.combine(TODAY + timedelta(days=n), time(21, 0),
                                                   tzinfo=zone))
              for n in range(1, 7)]
    saving.save(ApplicationData(company="Harbor & Pine", role="Platform Engineer",
                                stage="interviewing", rounds=rounds))


def test_the_when_column_is_never_cut_at_the_default_size(qtbot, pinned_clock, demo_store):
    zone = pinned_clock.user_zone()
    pinned_clock.pin(datetime.combine(TODAY, time(12, 0), tzinfo=zone).astimezone(UTC))
    assert demo.is_empty() is False
    _interviews_every_evening(zone)
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(window)
    window.show()  # no saved geometry: the default size
    qtbot.waitExposed(window)
    window.show_view("dashboard")
    section = window.view("dashboard").interviews
    table = section.list
    qtbot.waitUntil(lambda: table.isVisible() and section.model.rowCount() >= 6)
    texts = [section.model.index(row, 0).data() for row in range(section.model.rowCount())]
    assert any(text.startswith(("Thu 01 Jan 2026", "Fri 02 Jan 2026")) for text in texts)
    for row, text in enumerate(texts):
        needed = table.sizeHintForIndex(section.model.index(row, 0)).width()
        assert needed <= table.columnWidth(0), f"{text!r} needs {needed} px, has " \
                                               f"{table.columnWidth(0)}"
    # The other columns still fit in the card.
    assert sum(table.columnWidth(c) for c in range(3)) <= table.viewport().width()
