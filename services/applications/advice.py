"""Advice at the moments that matter: a word before a step the user may regret.

Each rule is a pure function over a small frozen dataclass of facts (no
database, no clock inside): it returns an :class:`Advice` when its situation
applies, None otherwise. The ``facts_for_…`` loaders gather those facts from
the database, so the rules stay easy to test and the UI decides nothing.

The UI shows an :class:`Advice` as a non-blocking message with two buttons:
``go_on_label`` carries on with what the user asked for, ``better_label``
offers the alternative, named by ``better_action``:

========================  =====================  ==================================
rule                      situation              better_action
========================  =====================  ==================================
before_declining_offer    declining an offer      ``ask_more_time``: the composer
                          while other processes   with the "more time" template
                          are open or offers
                          pending
before_withdrawing        cancelling a round or   ``keep_open``: leave the round or
                          withdrawing while       the application as it is
                          another application
                          only awaits an answer
on_awaiting_response      marking the only open   ``new_application``: the editor
                          application "awaiting   for a new application
                          response" with nothing
                          added in the last week
after_first_round_saved   the first round saved   ``note_timeframe``: the round's
                          with no time frame      time-frame field
========================  =====================  ==================================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from models import clock
from models.application import Application, Offer
from models.interview import InterviewRound
from models.values import OPEN_STAGES, OfferStatus, Stage
from services.applications.loading import ApplicationNotFoundError
from services.applications.offers import OfferNotFoundError

__all__ = [
    "RECENT_DAYS", "Advice", "DeclineFacts", "RoundSavedFacts", "StageChangeFacts",
    "WithdrawFacts", "after_first_round_saved", "before_declining_offer", "before_withdrawing",
    "facts_for_decline", "facts_for_round_saved", "facts_for_stage_change",
    "facts_for_withdraw", "on_awaiting_response",
]

#: "No application added in the last week": this many days back from today.
RECENT_DAYS = 7

_OPEN_VALUES = frozenset(stage.value for stage in OPEN_STAGES)


class Advice(NamedTuple):
    """A piece of advice: what to show and which two ways on to offer."""

    key: str
    title: str
    message: str
    go_on_label: str
    better_label: str
    better_action: str


# --- Facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclineFacts:
    """What matters when the user is about to decline offer ``offer_id``.

    ``other_open`` counts the user's *other* applications still in progress
    (applied, interviewing, awaiting response, offer); ``other_offers`` the
    pending offers other than this one (of applications still in progress).
    """

    offer_id: int
    company: str
    other_open: int
    other_offers: int


@dataclass(frozen=True)
class WithdrawFacts:
    """What matters when the user is about to cancel a round (``cancelling_round``) or
    withdraw from application ``application_id``.

    ``awaiting_elsewhere`` names the companies of the *other* applications
    that are only awaiting a response (no offer in hand).
    """

    application_id: int
    company: str
    cancelling_round: bool
    awaiting_elsewhere: tuple[str, ...] = ()
    round_title: str = ""


@dataclass(frozen=True)
class StageChangeFacts:
    """What matters when an application moves from ``old_stage`` to ``new_stage``.

    ``other_open`` counts the *other* applications still in progress;
    ``added_recently`` the applications (this one included) applied for, or
    added, in the last :data:`RECENT_DAYS` days.
    """

    application_id: int | None
    old_stage: str | None
    new_stage: str
    other_open: int
    added_recently: int


@dataclass(frozen=True)
class RoundSavedFacts:
    """What matters right after an application's rounds were saved.

    ``rounds`` counts its rounds that were not cancelled; ``first_has_timeframe``
    is True when its first such round has a time frame noted (or the user
    noted asking); ``any_timeframe`` when any round has.
    """

    application_id: int
    company: str
    rounds: int
    first_has_timeframe: bool
    any_timeframe: bool
    first_round_id: int | None = None
    first_is_past: bool = True


# --- The rules (pure) --------------------------------------------------------------------------


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _listing(names: tuple[str, ...], limit: int = 3) -> str:
    shown = list(dict.fromkeys(names))
    if len(shown) > limit:
        rest = len(shown) - (limit - 1)
        shown = [*shown[:limit - 1], f"{rest} others"]
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def before_declining_offer(facts: DeclineFacts) -> Advice | None:
    """Declining an offer while other processes are still open or other offers pending:
    suggest asking for more time first."""
    if facts.other_open <= 0 and facts.other_offers <= 0:
        return None
    open_only = max(0, facts.other_open - facts.other_offers)
    parts = []
    if facts.other_offers > 0:
        parts.append(_count(facts.other_offers, "other offer", "other offers") + " pending")
    if open_only > 0:
        parts.append(_count(open_only, "other application", "other applications")
                     + " still open")
    situation = " and ".join(parts)
    return Advice(
        key="before_declining_offer",
        title="Before you decline: ask for more time?",
        message=(
            f"You have {situation}. None of them is certain until it is in writing, and an "
            f"offer you decline is hard to get back. Asking {facts.company} for a few more "
            "days is a normal request; most employers say yes, and it keeps this door open "
            "while the rest becomes clear."
        ),
        go_on_label="Decline anyway",
        better_label="Ask for more time",
        better_action="ask_more_time",
    )


def before_withdrawing(facts: WithdrawFacts) -> Advice | None:
    """Cancelling a round or withdrawing while another application only awaits an answer:
    point out that nothing is certain until it is in writing."""
    if not facts.awaiting_elsewhere:
        return None
    others = _listing(facts.awaiting_elsewhere)
    verb = "has" if len(facts.awaiting_elsewhere) == 1 else "have"
    if facts.cancelling_round:
        what = f"the {facts.round_title.strip()}" if facts.round_title.strip() else "this interview"
        title = "Keep this interview for now?"
        step = f"Keeping {what} with {facts.company} costs you an hour"
        go_on = "Cancel it anyway"
    else:
        title = f"Keep {facts.company} open for now?"
        step = f"Staying in the running at {facts.company} costs you little"
        go_on = "Withdraw anyway"
    return Advice(
        key="before_withdrawing",
        title=title,
        message=(
            f"{others} {verb} not answered yet, and nothing is certain until it is in "
            f"writing. {step} and keeps a second option alive if the answer you hope for "
            "does not come. You can always step back later."
        ),
        go_on_label=go_on,
        better_label="Keep it open",
        better_action="keep_open",
    )


def on_awaiting_response(facts: StageChangeFacts) -> Advice | None:
    """Marking the only open application "awaiting response" when nothing was added in the
    last week: suggest keeping the search going."""
    if facts.new_stage != Stage.AWAITING_RESPONSE.value:
        return None
    if facts.old_stage == Stage.AWAITING_RESPONSE.value:
        return None
    if facts.other_open > 0 or facts.added_recently > 0:
        return None
    return Advice(
        key="on_awaiting_response",
        title="Keep the search going while you wait",
        message=(
            "This is now your only open application, and nothing new has gone out in the "
            "last week. Waiting is easier when more than one answer is on its way: one or two "
            "new applications this week mean no single reply decides everything."
        ),
        go_on_label="Just mark it",
        better_label="Add an application",
        better_action="new_application",
    )


def after_first_round_saved(facts: RoundSavedFacts) -> Advice | None:
    """The first interview round saved without a time frame: suggest asking how long the
    process usually takes, and offer to note the answer later."""
    if facts.rounds != 1 or facts.first_has_timeframe or facts.any_timeframe:
        return None
    when = ("At the interview, ask" if not facts.first_is_past
            else "If you did not get to ask, a short email can:")
    ask = ("how long their process usually takes and when you can expect to hear back."
           if not facts.first_is_past
           else "ask how long their process usually takes and when you can expect to hear back.")
    return Advice(
        key="after_first_round_saved",
        title="Ask how long the process takes",
        message=(
            f"{when} {ask} With their answer noted on this round, the app knows when to "
            "expect news and reminds you to follow up if none comes. You can note it "
            "whenever you have it."
        ),
        go_on_label="Later",
        better_label="Note the time frame",
        better_action="note_timeframe",
    )


# --- Loaders (read the database) ----------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    if now is None:
        return clock.now()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware instant")
    return now


def _open_others(application_id: int | None) -> int:

    query = Application.select().where(Application.stage.in_(sorted(_OPEN_VALUES)))
    if application_id is not None:
        query = query.where(Application.id != application_id)
    return query.count()


def facts_for_decline(offer_id: int) -> DeclineFacts:
    """The facts :func:`before_declining_offer` needs for offer ``offer_id``.

    Raises :class:`services.applications.offers.OfferNotFoundError` when the offer is gone.
    """

    offer = Offer.get_or_none(Offer.id == offer_id)
    if offer is None:
        raise OfferNotFoundError(offer_id)
    app = offer.application
    other_offers = (Offer.select().join(Application)
                    .where((Offer.status == OfferStatus.PENDING.value)
                           & (Offer.id != offer.id)
                           & (Application.stage.in_(sorted(_OPEN_VALUES))))
                    .count())
    return DeclineFacts(offer.id, app.company, _open_others(app.id), other_offers)


def facts_for_withdraw(application_id: int, round_id: int | None = None) -> WithdrawFacts:
    """The facts :func:`before_withdrawing` needs: withdrawing from ``application_id``, or
    cancelling its round ``round_id`` when given.

    Raises :class:`services.applications.loading.ApplicationNotFoundError` when the application
    is gone.
    """

    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    title = ""
    if round_id is not None:
        rnd = InterviewRound.get_or_none((InterviewRound.id == round_id)
                                         & (InterviewRound.application == app))
        title = rnd.title if rnd is not None else ""
    awaiting = tuple(row.company for row in (
        Application.select(Application.company)
        .where((Application.stage == Stage.AWAITING_RESPONSE.value)
               & (Application.id != application_id))
        .order_by(Application.updated_at.desc(), Application.id)))
    return WithdrawFacts(app.id, app.company, round_id is not None, awaiting, title)


def facts_for_stage_change(application_id: int | None, new_stage: str,
                           now: datetime | None = None, zone=None) -> StageChangeFacts:
    """The facts :func:`on_awaiting_response` needs when ``application_id`` (None: a new,
    unsaved application) is about to move to ``new_stage``.

    "Added recently" counts by the day applied, or the day added when unknown,
    within the last :data:`RECENT_DAYS` days of ``now`` (in ``zone``, default UTC).
    """

    now = _now(now)
    today = now.astimezone(zone or UTC).date()
    first = today - timedelta(days=RECENT_DAYS - 1)
    old_stage = None
    if application_id is not None:
        app = Application.get_or_none(Application.id == application_id)
        old_stage = app.stage if app is not None else None
    recent = (Application.select()
              .where((Application.applied_on >= first)
                     | (Application.applied_on.is_null()
                        & (Application.created_at >= now - timedelta(days=RECENT_DAYS))))
              .count())
    return StageChangeFacts(application_id, old_stage, new_stage,
                            _open_others(application_id), recent)


def facts_for_round_saved(application_id: int, now: datetime | None = None) -> RoundSavedFacts:
    """The facts :func:`after_first_round_saved` needs, read right after a save.

    Raises :class:`services.applications.loading.ApplicationNotFoundError` when the application
    is gone.
    """

    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    rounds = list(InterviewRound.select().where((InterviewRound.application == app)
                                                & (InterviewRound.cancelled == False)))  # noqa: E712
    never = datetime.max.replace(tzinfo=UTC)
    rounds.sort(key=lambda r: (r.starts_at or never, r.id))

    def has_timeframe(rnd) -> bool:
        return rnd.timeframe_value is not None or bool(rnd.asked_timeframe)

    first = rounds[0] if rounds else None
    return RoundSavedFacts(
        application_id=app.id,
        company=app.company,
        rounds=len(rounds),
        first_has_timeframe=bool(first and has_timeframe(first)),
        any_timeframe=any(has_timeframe(rnd) for rnd in rounds),
        first_round_id=first.id if first else None,
        first_is_past=bool(first and first.starts_at is not None
                           and first.starts_at <= _now(now)),
    )

