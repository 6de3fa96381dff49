"""Settings → Templates: editing a template with a live preview on real data."""

from __future__ import annotations

import pytest

from services.core.snapshot import read_snapshot
from ui.shell.main_window import MainWindow


@pytest.fixture
def page(qtbot, demo_store):
    window = MainWindow(demo_store.paths, read_snapshot(demo_store.paths), "t", demo_store)
    qtbot.addWidget(window)
    from ui.mail.template_page import TemplatePage

    widget = TemplatePage(window)
    qtbot.addWidget(widget)
    return widget


def test_preview_uses_a_real_interview(page):
    assert page.current_key() == "thank_you"
    assert "Lumen Analytics" in page.preview_note.text()
    assert "Lumen Analytics" in page.preview.toPlainText()


def test_unknown_placeholder_is_a_sentence_and_the_text_is_kept(page):
    page.body.setPlainText("Dear {{ first_name }},\n\nThanks for {{ compnay }}.")
    assert not page.update_preview()
    assert page.problem.isVisibleTo(page)
    assert "compnay" in page.problem.text() and "company" in page.problem.text()
    assert page.body.toPlainText().endswith("{{ compnay }}.")


def test_save_and_reset(page):
    from services.mail.templates import get_template, is_edited

    page.body.setPlainText("Dear {{ first_name }},\n\nThank you for talking about {{ role }}.")
    page.save()
    assert get_template("thank_you").body.endswith("{{ role }}.")
    assert is_edited("thank_you")
    assert "Thank you for talking about Senior Data Engineer" in page.preview.toPlainText()
    page.reset()
    assert not is_edited("thank_you")
