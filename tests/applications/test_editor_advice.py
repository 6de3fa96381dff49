"""Advice at the moments that matter, as the editor shows it; the editor's offer box."""

from __future__ import annotations

import pytest

from models import clock
from services.core.snapshot import read_snapshot
from ui.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, demo_store):
    win = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "test", demo_store)
    qtbot.addWidget(win)
    win.show()
    return win


def _open(qtbot, window, company):
    from models.application import Application

    app = Application.get(Application.company == company)
    window.open_editor(app.id)
    qtbot.waitExposed(window.editor)
    return window.editor, app.id


def test_withdrawing_while_others_wait_shows_advice_then_go_on_saves(qtbot, window):
    from services.applications import loading

    editor, app_id = _open(qtbot, window, "Kestrel Robotics")
    editor.stage.setCurrentIndex(editor.stage.findData("withdrawn"))
    assert not editor.save()
    assert editor.advice.isVisible()
    assert loading.load(app_id).stage == "interviewing", "nothing saved yet"
    qtbot.mouseClick(editor.advice.go_on_button, qtbot_left())
    assert loading.load(app_id).stage == "withdrawn"


def test_withdraw_advice_better_keeps_it_open(qtbot, window):
    from services.applications import loading

    editor, app_id = _open(qtbot, window, "Kestrel Robotics")
    editor.stage.setCurrentIndex(editor.stage.findData("withdrawn"))
    assert not editor.save()
    qtbot.mouseClick(editor.advice.better_button, qtbot_left())
    assert editor.stage.currentData() == "interviewing"
    assert loading.load(app_id).stage == "interviewing"


def test_first_round_without_time_frame_suggests_asking(qtbot, window):
    editor, _app_id = _open(qtbot, window, "Atlas Mobility")
    editor.add_round()
    editor.round_editor.title.setText("Phone screen")
    assert editor.save()
    from PySide6.QtWidgets import QLabel

    banners = [window.banners.itemAt(i).widget() for i in range(window.banners.count())]
    shown = [b for b in banners if b.isVisibleTo(window)]
    texts = " ".join(label.text() for b in shown for label in b.findChildren(QLabel))
    assert "how long" in texts.lower()


def test_only_active_application_marked_awaiting_suggests_keeping_going(qtbot, store):
    from models.application import Application

    app = Application.create(company="Solo Corp", role="Engineer", stage="interviewing")
    from datetime import timedelta

    Application.update(created_at=clock.now() - timedelta(days=30)).where(
        Application.id == app.id).execute()
    win = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(win)
    win.show()
    win.open_editor(app.id)
    editor = win.editor
    editor.stage.setCurrentIndex(editor.stage.findData("awaiting_response"))
    assert not editor.save()
    assert editor.advice.isVisible()


def test_offer_box_records_an_offer(qtbot, window, monkeypatch):
    from ui.applications.offer_dialog import OfferDialog

    editor, app_id = _open(qtbot, window, "Orbit Health")
    assert "EUR" in editor.offer_summary.text() and "open" in editor.offer_summary.text()
    calls = []
    monkeypatch.setattr(OfferDialog, "ask", classmethod(
        lambda cls, parent, a, o=None, zone="UTC", on_more_time=None: calls.append((a, o))))
    editor.open_offer()
    assert calls and calls[0][0] == app_id and calls[0][1] is not None


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
