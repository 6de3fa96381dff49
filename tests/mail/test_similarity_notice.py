"""The similarity warning stays short: grouped by draft, capped at a few lines, the full list
behind "Show all", and the note's editor still in view at the window's default size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.core.snapshot import read_snapshot
from services.mail.similarity import SimilarPair
from ui.mail.similarity_notice import MAX_LINES, group_line, group_pairs, summary_lines
from ui.shell.main_window import MainWindow

NAMES = ["José", "Priya", "Lukas", "Ana", "Ben", "Chloé", "Dara", "Eli", "Fatima", "Gus",
         "Hana", "Ivo", "Jun", "Kai", "Lena", "Mo", "Nils"]


def pair(a: int, b: int, score: float) -> SimilarPair:
    return SimilarPair(a, b, NAMES[a], NAMES[b], score, [])


def test_pairs_are_grouped_by_draft_most_alike_first():
    groups = group_pairs([pair(0, 1, 91), pair(0, 2, 88)], order=[0, 1, 2])
    assert [group_line(g) for g in groups] == ["José’s note reads like Priya’s (91 %) and "
                                               "Lukas’s (88 %)"]


def test_every_pair_is_named_once():
    pairs = [pair(a, b, 85 + (a + b) % 10) for a in range(17) for b in range(a + 1, 17)]
    assert len(pairs) == 136
    groups = group_pairs(pairs, order=range(17))
    assert len(groups) == 16
    named = {frozenset((g.name, other)) for g in groups for other, _score in g.alike}
    assert len(named) == sum(len(g.alike) for g in groups) == 136
    lines = summary_lines(groups)
    assert len(lines) == MAX_LINES + 1
    assert lines[0].startswith("José’s note reads like ") and lines[0].endswith(" and 13 others")
    shown = sum(len(g.alike) for g in groups[:MAX_LINES])
    assert lines[-1] == f"… and {136 - shown} more pairs"


# -- in the window ------------------------------------------------------------------------------


@pytest.fixture
def seventeen(qtbot, store):
    """A window at its default size on a round with 17 interviewers and their fresh drafts."""
    from models.application import Application
    from models.interview import Interviewer, InterviewRound

    application = Application.create(company="Helix Robotics", role="Data engineer")
    round_ = InterviewRound.create(application=application, title="Panel interview")
    for position, name in enumerate(NAMES):
        Interviewer.create(round=round_, name=f"{name} Example", position=position,
                           email=f"{name.lower().replace('é', 'e')}@helix.example")
    window = MainWindow(store.paths, read_snapshot(store.paths), "test", store)
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    qtbot.waitExposed(window)
    window.open_composer(application.id, round_.id)
    composer = window.view("compose")
    assert len(composer.drafts) == 17 and len(composer.pairs) == 136
    return window, composer


def _body_in_view(window, composer) -> int:
    """How many pixels of the note's editor show inside the window."""
    body = composer.body
    top_left = body.mapTo(window, body.rect().topLeft())
    visible = min(body.height(), window.height() - top_left.y())
    return visible if body.isVisible() and top_left.y() < window.height() else 0


def _screenshot(window, name: str) -> None:
    folder = os.environ.get("NEXTSTEPS_TEST_SCREENSHOTS")
    if folder:
        window.grab().save(str(Path(folder) / name))


def test_seventeen_look_alike_drafts_keep_the_editor_in_view(qtbot, seventeen):
    window, composer = seventeen
    notice = composer.similar
    assert notice.isVisible()
    bullets = notice.text().count("•")
    assert bullets == MAX_LINES + 1, "five groups, then how many more pairs"
    assert "more pairs" in notice.text()
    assert notice.toggle.isVisible() and notice.toggle.text() == "Show all 136 pairs"
    assert not notice.details.isVisible()
    line = composer.body.fontMetrics().lineSpacing()
    assert _body_in_view(window, composer) >= 10 * line, "room for ten lines of the note"
    assert composer.body.extraSelections(), "shared passages are still highlighted"
    _screenshot(window, "similarity-capped.png")

    notice.toggle.click()
    qtbot.waitUntil(notice.details.isVisible, timeout=3000)
    assert notice.toggle.text() == "Show fewer"
    listed = notice.details.toPlainText().splitlines()
    assert len(listed) == 16 and listed[0].startswith("• José Example’s note reads like ")
    assert notice.details.height() <= notice.details.maximumHeight()
    assert _body_in_view(window, composer) >= 4 * line, "the note stays in view"
    _screenshot(window, "similarity-all.png")


def test_the_question_before_sending_is_capped_too(seventeen):
    _window, composer = seventeen
    assert len(composer.similar_pairs_text().splitlines()) == MAX_LINES + 1
