"""Fixtures of the drafts' tests (test_email_drafts.py, test_thanked.py, test_mail_program.py):
``lumen_drafts``, the demo's Lumen round with its drafts prepared.

Their helpers are in tests/mail/draft_data.py."""

from __future__ import annotations

import pytest

from services.mail.drafting import prepare_drafts
from tests.mail.draft_data import demo_lumen


@pytest.fixture
def lumen_drafts(demo_store):
    """The demo's Lumen application, its technical interview, and one draft per interviewer."""
    app, rnd = demo_lumen()
    return app, rnd, prepare_drafts(app.id, rnd.id)
