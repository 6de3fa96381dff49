"""Models on a real SQLite file: relations, cascades, uniqueness, instants and pragmas."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import peewee
import pytest

from models.application import Application, Offer, Stage, StageChange
from models.base import UTCDateTimeField
from models.email import Email
from models.interview import Interviewer, InterviewRound, RoundSignal
from models.reminder import Reminder
from models.settings import Setting, Template

BERLIN = ZoneInfo("Europe/Berlin")


def _application(company: str = "Lumen Analytics", **extra) -> Application:
    return Application.create(company=company, role="Data Engineer", **extra)


def _full_application(company: str) -> Application:
    """An application with one row of every dependent table."""
    app = _application(company, applied_on=date(2026, 9, 20))
    StageChange.create(application=app, from_stage=None, to_stage=Stage.APPLIED.value)
    StageChange.create(application=app, from_stage="applied", to_stage="interviewing")
    Offer.create(application=app, amount=Decimal("70000.00"), currency="EUR")
    rnd = InterviewRound.create(
        application=app, title="Technical", starts_at=datetime(2026, 10, 1, 13, tzinfo=UTC)
    )
    person = Interviewer.create(round=rnd, name="José Núñez", position=0)
    Interviewer.create(round=rnd, name="Priya Raman", position=1)
    RoundSignal.create(round=rnd, signal="gave_timeframe")
    Email.create(application=app, round=rnd, interviewer=person, subject="Thank you")
    Reminder.create(
        key=f"follow-up:{company}",
        kind="follow_up",
        application=app,
        due_at=datetime(2026, 10, 8, 9, tzinfo=UTC),
    )
    return app


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.select().count()
        for model in (
            Application,
            StageChange,
            Offer,
            InterviewRound,
            Interviewer,
            RoundSignal,
            Email,
            Reminder,
        )
    }


# -- creating and relating --------------------------------------------------------------


def test_every_model_can_be_created_and_related(store):
    app = _full_application("Lumen Analytics")
    Template.create(key="thanks", name="Thank you", subject="Thanks", body="Hi", builtin=True)
    Setting.create(key="user.name", value='"Sam"')

    app = Application.get_by_id(app.id)
    assert app.company == "Lumen Analytics"
    assert app.channel == "direct" and not app.is_agency
    assert app.applied_on == date(2026, 9, 20)
    assert [c.to_stage for c in app.stage_changes.order_by(StageChange.id)] == [
        "applied",
        "interviewing",
    ]
    offer = app.offers.get()
    assert offer.amount == Decimal("70000.00") and offer.status == "pending"
    rnd = app.rounds.get()
    assert rnd.tz_name == "UTC" and rnd.cancelled is False
    assert [i.name for i in rnd.interviewers.order_by(Interviewer.position)] == [
        "José Núñez",
        "Priya Raman",
    ]
    assert [s.signal for s in rnd.signals] == ["gave_timeframe"]
    email = app.emails.get()
    assert email.round.id == rnd.id
    assert email.interviewer.name == "José Núñez"
    assert email.state == "draft" and email.message_id is None
    assert app.reminders.get().kind == "follow_up"
    assert Template.get(Template.key == "thanks").builtin is True
    assert Setting.get_by_id("user.name").value == '"Sam"'
    # Generated uids are distinct hex strings.
    uids = {app.uid, offer.uid, rnd.uid, email.uid}
    assert len(uids) == 4 and all(len(u) == 32 for u in uids)


def test_deleting_an_application_cascades_to_all_its_rows(store):
    doomed = _full_application("Doomed Corp")
    _full_application("Survivor Ltd")
    before = _counts()
    assert before == {
        "Application": 2,
        "StageChange": 4,
        "Offer": 2,
        "InterviewRound": 2,
        "Interviewer": 4,
        "RoundSignal": 2,
        "Email": 2,
        "Reminder": 2,
    }

    doomed.delete_instance()

    assert _counts() == {name: count // 2 for name, count in before.items()}
    survivor = Application.get()
    assert survivor.company == "Survivor Ltd"
    assert survivor.stage_changes.count() == 2
    assert (
        Interviewer.select()
        .join(InterviewRound)
        .where(InterviewRound.application == survivor)
        .count()
        == 2
    )


def test_deleting_an_interviewer_keeps_the_email_and_clears_its_link(store):
    app = _full_application("Lumen Analytics")
    email = app.emails.get()
    email.interviewer.delete_instance()

    kept = Email.get_by_id(email.id)
    assert kept.interviewer_id is None
    assert kept.round_id is not None
    assert kept.subject == "Thank you"


def test_deleting_a_round_keeps_the_email_and_clears_its_link(store):
    app = _full_application("Lumen Analytics")
    email = app.emails.get()
    email.round.delete_instance()

    kept = Email.get_by_id(email.id)
    assert kept.round_id is None
    # The round's interviewer went with the round, so that link is cleared too.
    assert kept.interviewer_id is None
    assert Interviewer.select().count() == 0
    assert kept.application_id == app.id


def test_round_signal_is_unique_per_round(store):
    app = _application()
    first = InterviewRound.create(application=app)
    second = InterviewRound.create(application=app)
    RoundSignal.create(round=first, signal="gave_timeframe")
    RoundSignal.create(round=second, signal="gave_timeframe")  # another round: fine
    with pytest.raises(peewee.IntegrityError):
        RoundSignal.create(round=first, signal="gave_timeframe")
    assert RoundSignal.select().count() == 2


def test_reminder_key_is_unique(store):
    due = datetime(2026, 10, 8, tzinfo=UTC)
    Reminder.create(key="stall:1", kind="stall", due_at=due)
    with pytest.raises(peewee.IntegrityError):
        Reminder.create(key="stall:1", kind="stall", due_at=due + timedelta(days=1))
    assert Reminder.select().count() == 1


def test_email_message_id_is_unique_but_many_may_be_null(store):
    app = _application()
    Email.create(application=app, message_id=None)
    Email.create(application=app, message_id=None)
    Email.create(application=app, message_id="<a@example.com>")
    with pytest.raises(peewee.IntegrityError):
        Email.create(application=app, message_id="<a@example.com>")
    assert Email.select().where(Email.message_id.is_null()).count() == 2
    assert Email.select().count() == 3


def test_a_row_cannot_point_at_a_missing_application(store):
    """Foreign keys are enforced, not just declared."""
    with pytest.raises(peewee.IntegrityError):
        StageChange.create(application=9999, to_stage="applied")


# -- UTCDateTimeField ----------------------------------------------------------------------


def test_naive_datetime_is_refused(store):
    app = _application()
    with pytest.raises(ValueError, match="naive"):
        InterviewRound.create(application=app, starts_at=datetime(2026, 10, 1, 13, 0))
    assert InterviewRound.select().count() == 0


def test_naive_iso_text_is_refused_too():
    field = UTCDateTimeField()
    field.name = "starts_at"
    with pytest.raises(ValueError):
        field.db_value("2026-10-01T13:00:00")


def test_berlin_instant_round_trips_as_the_same_instant_in_utc(store):
    app = _application()
    berlin = datetime(2026, 7, 1, 15, 30, tzinfo=BERLIN)  # summer time: UTC+2
    rnd = InterviewRound.create(application=app, starts_at=berlin, tz_name="Europe/Berlin")

    loaded = InterviewRound.get_by_id(rnd.id).starts_at
    assert loaded == berlin
    assert loaded.utcoffset() == timedelta(0)
    assert (loaded.year, loaded.month, loaded.day, loaded.hour, loaded.minute) == (
        2026,
        7,
        1,
        13,
        30,
    )

    raw = store.db.execute_sql(
        "SELECT starts_at FROM interview_round WHERE id = ?", (rnd.id,)
    ).fetchone()[0]
    assert raw == "2026-07-01T13:30:00+00:00"


def test_winter_instant_is_stored_as_iso_utc_text(store):
    app = _application()
    winter = datetime(2026, 1, 15, 9, 0, 59, tzinfo=BERLIN)  # UTC+1
    offer = Offer.create(application=app, deadline_at=winter, deadline_tz="Europe/Berlin")
    raw = store.db.execute_sql(
        "SELECT deadline_at FROM offer WHERE id = ?", (offer.id,)
    ).fetchone()[0]
    assert raw == "2026-01-15T08:00:59+00:00"
    assert datetime.fromisoformat(raw) == winter
    assert Offer.get_by_id(offer.id).deadline_at == winter


def test_null_instant_stays_null(store):
    app = _application()
    rnd = InterviewRound.create(application=app, starts_at=None)
    assert InterviewRound.get_by_id(rnd.id).starts_at is None


# -- connection pragmas -------------------------------------------------------------------


def test_connection_pragmas(store):
    def pragma(name):
        return store.db.execute_sql(f"PRAGMA {name}").fetchone()[0]

    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == 5000
