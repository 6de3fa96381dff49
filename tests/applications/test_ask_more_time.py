""""Ask for more time" on an offer, from the application editor through the offer dialog to the
composer (offscreen, the real main window): addressed to the HR contact or the agency's
recruiter whether or not the application has interview rounds, or a sentence saying which
address is missing and where to add it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from models import clock
from models.email import Email
from services.applications import offers, saving
from services.applications.editor_data import ApplicationData, InterviewerData, RoundData
from services.core.snapshot import read_snapshot
from ui.applications.offer_dialog import OfferDialog
from ui.shell.main_window import MainWindow

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def window(qtbot, store):
    win = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture(autouse=True)
def click_more_time(monkeypatch):
    """The offer dialog opens for real; the user presses "Ask for more time" in it."""

    def exec_and_ask(dialog):
        dialog.more_time_button.click()
        return dialog.result()

    monkeypatch.setattr(OfferDialog, "exec", exec_and_ask)


def _application(rounds: bool = False, **fields) -> int:
    data = ApplicationData(company="Harbor & Pine", role="Platform Engineer",
                           stage="interviewing", applied_on=date(2025, 2, 3), **fields)
    if rounds:
        start = datetime.combine(date(2025, 2, 20), time(10), tzinfo=BERLIN)
        data.rounds = [RoundData(title="Hiring manager", starts_at=start, tz_name=BERLIN.key,
                                 interviewers=[InterviewerData(name="Ines Duarte",
                                                               email="ines@harbor.example")])]
    app_id = saving.save(data)
    deadline = datetime.combine(clock.today() + timedelta(days=5), time(17), tzinfo=BERLIN)
    offers.record_offer(app_id, date(2025, 3, 1), deadline.astimezone(UTC), BERLIN.key,
                        Decimal("81000"), "EUR", "", now=datetime(2025, 3, 1, 9, tzinfo=UTC))
    return app_id


def _ask_from_the_editor(qtbot, window, app_id):
    window.open_editor(app_id)
    editor = window.editor
    qtbot.waitExposed(editor)
    editor.open_offer()
    return editor


def _composer_drafts(window):
    composer = window.view("compose")
    return [(d.to_name, d.to_address, d.subject) for d in composer.drafts]


def test_without_rounds_the_composer_opens_to_the_hr_contact(qtbot, window):
    app_id = _application(contact_name="Mira Hoffmann", contact_email="mira@harbor.example")
    editor = _ask_from_the_editor(qtbot, window, app_id)
    assert not editor.isVisible()
    assert window.current_view_key() == "compose"
    ((name, address, subject),) = _composer_drafts(window)
    assert (name, address) == ("Mira Hoffmann", "mira@harbor.example")
    assert subject
    (email,) = Email.select().where(Email.application == app_id)
    assert (email.template_key, email.round_id, email.state) == ("more_time", None, "draft")
    # Asking again shows the same draft (nothing written twice).
    _ask_from_the_editor(qtbot, window, app_id)
    assert Email.select().where(Email.application == app_id).count() == 1


def test_without_rounds_an_agency_application_writes_to_the_recruiter(qtbot, window):
    app_id = _application(channel="agency", agency_name="Northbridge Talent",
                          recruiter_name="Tom Becker", recruiter_email="tom@northbridge.example",
                          contact_email="hr@harbor.example")
    _ask_from_the_editor(qtbot, window, app_id)
    assert [d[:2] for d in _composer_drafts(window)] == [("Tom Becker",
                                                          "tom@northbridge.example")]


def test_with_rounds_it_still_opens_on_the_latest_round(qtbot, window):
    app_id = _application(rounds=True, contact_name="Mira Hoffmann",
                          contact_email="mira@harbor.example")
    _ask_from_the_editor(qtbot, window, app_id)
    assert [d[:2] for d in _composer_drafts(window)] == [("Mira Hoffmann",
                                                          "mira@harbor.example")]
    (email,) = Email.select().where(Email.application == app_id)
    assert email.round_id is not None and email.template_key == "more_time"


@pytest.mark.parametrize("rounds", [False, True])
def test_without_an_address_it_says_where_to_add_it(qtbot, window, rounds):
    app_id = _application(rounds=rounds, contact_name="Mira Hoffmann")
    editor = _ask_from_the_editor(qtbot, window, app_id)
    assert editor.isVisible(), "the editor stays open, where the address is added"
    text = editor.problems.text()
    assert editor.problems.isVisible()
    assert "HR contact email" in text and "Harbor &amp; Pine" in text
    assert editor.tabs.currentIndex() == 0 and editor.focusWidget() is editor.contact_email
    assert window.current_view_key() != "compose"
    assert Email.select().where(Email.application == app_id).count() == 0
    # Adding it there and asking again opens the composer.
    editor.contact_email.setText("mira@harbor.example")
    assert editor.save_keep_open()
    editor.open_offer()
    assert not editor.isVisible()
    assert [d[1] for d in _composer_drafts(window)] == ["mira@harbor.example"]


def test_an_agency_application_without_the_recruiters_address(qtbot, window):
    app_id = _application(channel="agency", agency_name="Northbridge Talent",
                          recruiter_name="Tom Becker")
    editor = _ask_from_the_editor(qtbot, window, app_id)
    assert editor.isVisible()
    assert "Recruiter email" in editor.problems.text()
    assert "Northbridge Talent" in editor.problems.text()
    assert editor.focusWidget() is editor.recruiter_email
    editor.reject()
