"""Settings → Data: the list of backups, Back up now, Restore… (with a restart), Open folder."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices

from models.application import Application
from services.core.store import StoreProblem
from services.data import backups
from ui.data import page as data_page
from ui.data.page import ConfirmRestore, DataPage, size_text


def _companies(path) -> list[str]:
    con = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute("SELECT company FROM application ORDER BY id")]
    finally:
        con.close()


@pytest.fixture
def page_for(qtbot, store):
    """Build a DataPage for the test's store; ``restarts`` records calls of ``restart``."""
    restarts: list[int] = []

    def build(ensure_store=None) -> DataPage:
        page = DataPage(store.paths, ensure_store or (lambda: store),
                        restart=lambda: restarts.append(1))
        qtbot.addWidget(page)
        page.resize(700, 420)
        page.show()
        qtbot.waitExposed(page)
        return page

    build.restarts = restarts
    return build


def test_the_list_shows_backups_newest_first_with_reason_and_size(page_for, store):
    Application.create(company="Lumen", role="Engineer")
    older = backups.make_backup(store.db, store.paths.backups, "daily",
                                now=datetime(2026, 3, 1, 8, tzinfo=UTC))
    newer = backups.make_backup(store.db, store.paths.backups, "before-upgrade-v1",
                                now=datetime(2026, 3, 2, 8, tzinfo=UTC))

    page = page_for()

    assert [info.path for info in page.backups_shown()] == [newer.path, older.path]
    assert page.table.topLevelItemCount() == 2
    first = page.table.topLevelItem(0)
    local = newer.made_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert first.text(0) == local
    assert first.text(1) == "Before the upgrade from data version 1"
    assert page.table.topLevelItem(1).text(1) == "Daily"
    assert first.text(2) == size_text(newer.size)
    assert first.text(2).endswith("KB")
    assert not page.empty_label.isVisibleTo(page)
    # What a screen reader finds.
    assert page.table.accessibleName() == "Backups"
    assert [page.table.headerItem().text(i) for i in range(3)] == ["Made", "Why", "Size"]
    for button in (page.backup_button, page.restore_button, page.open_button):
        assert button.accessibleName()
    assert not page.restore_button.isEnabled()  # nothing selected yet


def test_an_empty_folder_says_there_are_no_backups(page_for):
    page = page_for()
    assert page.table.topLevelItemCount() == 0
    assert page.empty_label.isVisibleTo(page)


def test_back_up_now_adds_a_backup_and_selects_it(page_for, qtbot):
    page = page_for()
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    shown = page.backups_shown()
    assert len(shown) == 1
    assert shown[0].reason == "manual"
    assert page.table.topLevelItem(0).text(1) == "Made by you"
    assert page.selected_backup() == shown[0]
    assert page.status.text().startswith("Backed up")
    assert page.restore_button.isEnabled()


def test_back_up_now_explains_when_the_data_cannot_be_opened(page_for, qtbot):
    def broken():
        raise StoreProblem("Your Next Steps database is damaged.", kind="corrupt")

    page = page_for(broken)
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == "Your Next Steps database is damaged."
    assert page.backups_shown() == []


def test_back_up_now_explains_a_full_disk(page_for, qtbot, monkeypatch):
    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "make_backup", full)
    page = page_for()
    qtbot.mouseClick(page.backup_button, Qt.MouseButton.LeftButton)
    assert "the disk is full" in page.status.text()
    assert "Traceback" not in page.status.text()


def test_restore_swaps_the_file_keeps_the_old_one_and_restarts(page_for, store, monkeypatch):
    Application.create(company="In the backup", role="Engineer")
    info = backups.make_backup(store.db, store.paths.backups)
    Application.create(company="Added later", role="Engineer")
    asked = []
    monkeypatch.setattr(ConfirmRestore, "ask",
                        classmethod(lambda cls, parent, chosen: asked.append(chosen) or True))
    page = page_for()
    page.table.setCurrentItem(page.table.topLevelItem(0))

    assert page.restore_selected() is True

    assert asked == [info]
    assert page_for.restarts == [1]
    assert store.db.is_closed()
    assert _companies(store.paths.database) == ["In the backup"]
    kept = sorted(store.paths.root.glob("nextsteps.sqlite3.replaced-*"))
    assert len(kept) == 1
    assert _companies(kept[0]) == ["In the backup", "Added later"]
    assert "restarts now" in page.status.text()


def test_restore_asks_first_and_does_nothing_when_declined(page_for, store, monkeypatch):
    Application.create(company="Current", role="Engineer")
    backups.make_backup(store.db, store.paths.backups)
    monkeypatch.setattr(ConfirmRestore, "ask", classmethod(lambda cls, parent, chosen: False))
    page = page_for()
    page.table.setCurrentItem(page.table.topLevelItem(0))

    assert page.restore_selected() is False

    assert page_for.restarts == []
    assert not store.db.is_closed()
    assert [a.company for a in Application.select()] == ["Current"]


def test_a_damaged_backup_is_not_restored(page_for, store, monkeypatch):
    good = backups.make_backup(store.db, store.paths.backups)
    damaged = store.paths.backups / "nextsteps-29990101-000000-manual.sqlite3"
    damaged.write_bytes(good.path.read_bytes()[:2048])
    monkeypatch.setattr(ConfirmRestore, "ask", classmethod(lambda cls, parent, chosen: True))
    page = page_for()
    page.table.setCurrentItem(page.table.topLevelItem(0))
    assert page.selected_backup().path == damaged

    assert page.restore_selected() is False

    assert "damaged" in page.status.text()
    assert page_for.restarts == []
    assert not store.db.is_closed()


def test_a_restore_that_fails_reopens_the_data(page_for, store, monkeypatch):
    backups.make_backup(store.db, store.paths.backups)
    monkeypatch.setattr(ConfirmRestore, "ask", classmethod(lambda cls, parent, chosen: True))

    def failing(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "restore_backup", failing)
    page = page_for()
    page.table.setCurrentItem(page.table.topLevelItem(0))

    assert page.restore_selected() is False

    assert "could not be restored" in page.status.text()
    assert "your data is as it was" in page.status.text()
    assert page_for.restarts == []
    assert not store.db.is_closed()
    Application.create(company="Still works", role="Engineer")


def test_restore_without_a_selection_says_so(page_for):
    page = page_for()
    assert page.restore_selected() is False
    assert "Choose a backup" in page.status.text()


def test_open_folder_opens_the_backups_folder(page_for, store, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    page = page_for()
    page.open_button.click()
    assert [url.toLocalFile() for url in opened] == [str(store.paths.backups)]


def test_open_folder_failure_is_a_sentence(page_for, store, monkeypatch):
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    page = page_for()
    page.open_folder()
    assert str(store.paths.backups) in page.status.text()


def test_a_daily_backup_made_meanwhile_shows_when_the_page_is_shown_again(page_for, store):
    page = page_for()
    page.hide()
    backups.backup_file(store.paths.database, store.paths.backups, "daily")
    page.show()
    assert [info.reason for info in page.backups_shown()] == ["daily"]


@pytest.mark.parametrize("size, text", [(10, "1 KB"), (840 * 1024, "840 KB"),
                                        (int(12.5 * 1024 * 1024), "12.5 MB")])
def test_sizes_in_words(size, text):
    assert data_page.size_text(size) == text


def test_the_first_start_of_the_day_makes_the_daily_backup_after_the_first_paint(
        qtbot, data_paths):
    """ui.shell.app runs services.data.backups.daily_backup_if_due on a worker once the
    window is up."""
    from models import clock, database
    from services.core.store import open_store
    from ui.shell import app as app_module
    from ui.shell import daily_backup

    open_store(data_paths).close()
    database.close()
    startup = app_module.Startup(data_paths, demo=False, benchmark_startup=False)
    assert startup.instance.acquire()
    try:
        assert startup._show_window()
        # Stop the start-up's timers with the window: a reminder start 1.5 s later would
        # otherwise open this test's data inside the next test.
        qtbot.addWidget(startup.window, before_close_func=lambda _w: startup.shutdown())
        qtbot.waitUntil(lambda: [i.reason for i in backups.list_backups(data_paths.backups)]
                        == ["daily"], timeout=10000)
        first = backups.list_backups(data_paths.backups)[0]
        assert backups.file_problems(first.path) == []
        # Still open the next day: the timer, single-shot to just after the next UTC
        # midnight, makes that day's backup. (A new day is played by removing today's;
        # waiting for midnight is not an option in a test.)
        timer = startup.backups.timer
        assert timer.isActive() and timer.isSingleShot()
        assert timer.interval() == daily_backup.ms_until_next_day(clock.now())
        first.path.unlink()
        timer.timeout.emit()
        qtbot.waitUntil(lambda: [i.reason for i in backups.list_backups(data_paths.backups)]
                        == ["daily"], timeout=10000)
    finally:
        startup.shutdown()
    assert not startup.backups.timer.isActive()


def test_the_backup_timer_waits_until_just_after_the_next_utc_midnight():
    from datetime import UTC, datetime

    from ui.shell.daily_backup import MARGIN_S, ms_until_next_day

    assert ms_until_next_day(datetime(2026, 12, 4, 23, 0, tzinfo=UTC)) == (3600 + MARGIN_S) * 1000
    late = datetime(2026, 12, 4, 23, 59, 59, tzinfo=UTC)
    assert ms_until_next_day(late) == (1 + MARGIN_S) * 1000
