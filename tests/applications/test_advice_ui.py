"""The advice banner (ui.applications.advice_message.AdviceMessage) as a user drives it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from services.applications.advice import Advice
from ui.applications.advice_message import AdviceMessage

ADVICE = Advice("before_withdrawing", "Keep this interview for now?",
                "Lumen has not answered yet, and nothing is certain until it is in writing.",
                "Cancel it anyway", "Keep it open", "keep_open")


@pytest.fixture
def banner(qtbot):
    host = QWidget()
    layout = QVBoxLayout(host)
    message = AdviceMessage(host)
    layout.addWidget(message)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    message.test_host = host  # keep the host alive as long as the banner
    return message


def test_hidden_until_there_is_advice(banner):
    assert not banner.isVisible()
    banner.show_advice(ADVICE)
    assert banner.isVisible()
    assert banner.title.text() == ADVICE.title
    assert banner.message.text() == ADVICE.message
    assert banner.go_on_button.text() == "Cancel it anyway"
    assert banner.better_button.text() == "Keep it open"
    assert banner.better_button.hasFocus()


def test_everything_has_an_accessible_name(banner):
    banner.show_advice(ADVICE)
    assert banner.accessibleName() == "Advice: Keep this interview for now?"
    assert banner.accessibleDescription() == ADVICE.message
    assert banner.go_on_button.accessibleName() == "Cancel it anyway"
    assert banner.better_button.accessibleName() == "Keep it open"
    assert banner.close_button.accessibleName() == "Dismiss advice"


def test_go_on_emits_once_and_hides(qtbot, banner):
    banner.show_advice(ADVICE)
    with qtbot.waitSignal(banner.go_on), qtbot.assertNotEmitted(banner.better):
        qtbot.mouseClick(banner.go_on_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    with qtbot.assertNotEmitted(banner.go_on):
        banner.go_on_button.click()  # hidden and spent: nothing happens twice


def test_better_emits_the_action(qtbot, banner):
    banner.show_advice(ADVICE)
    with qtbot.waitSignal(banner.better) as signal, qtbot.assertNotEmitted(banner.go_on):
        qtbot.mouseClick(banner.better_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["keep_open"]
    assert not banner.isVisible()


def test_close_button_and_escape_dismiss_without_acting(qtbot, banner):
    banner.show_advice(ADVICE)
    with qtbot.waitSignal(banner.dismissed), qtbot.assertNotEmitted(banner.go_on):
        qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    banner.show_advice(ADVICE)
    with qtbot.waitSignal(banner.dismissed), qtbot.assertNotEmitted(banner.better):
        qtbot.keyClick(banner.better_button, Qt.Key.Key_Escape)
    assert not banner.isVisible()


def test_new_advice_replaces_the_shown_one(qtbot, banner):
    banner.show_advice(ADVICE)
    other = ADVICE._replace(title="Ask how long the process takes",
                            better_action="note_timeframe", better_label="Note the time frame")
    banner.show_advice(other)
    with qtbot.waitSignal(banner.better) as signal:
        banner.better_button.click()
    assert signal.args == ["note_timeframe"]
