"""Offers: record one on an application, change it, accept or decline it.

Every write runs in one transaction and keeps the application's stage in
step: recording an offer moves the application to *offer*, accepting moves
it to *accepted*, declining to *declined*, each with an entry in its stage
history. Problems with the user's input come back all at once as
:class:`OfferProblem`, each a sentence keyed by the field it is about
(``received_on``, ``deadline``, ``deadline_tz``, ``amount``, ``currency``),
and nothing is written then.

Amounts are :class:`~decimal.Decimal` (two decimals at most, never
negative); :func:`parse_amount` reads what people type (``74000``,
``74,000.50``, ``74.000,50``, ``€ 74 000``). Deadlines are aware instants,
stored in UTC beside the zone the user chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from models import clock
from models.application import Application, Offer, StageChange
from models.base import database_proxy
from models.values import OfferStatus, Stage
from services.applications.field_problems import zone_problem
from services.applications.loading import ApplicationNotFoundError

__all__ = [
    "COMMON_CURRENCIES",
    "MAX_AMOUNT",
    "OfferNotFoundError",
    "OfferProblem",
    "OfferRecord",
    "accept_offer",
    "amount_problem",
    "application_title",
    "currency_problem",
    "decline_offer",
    "load_offer",
    "offers_for",
    "parse_amount",
    "pending_offers",
    "record_offer",
    "update_offer",
    "validate",
]

#: Offered in the currency box first; any other three-letter code is accepted too.
COMMON_CURRENCIES = ("EUR", "USD", "GBP", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN",
                     "CZK", "JPY", "INR", "SGD", "NZD", "BRL", "MXN", "ZAR")
#: The largest amount the database column holds (12 digits before the decimal point).
MAX_AMOUNT = Decimal("999999999999.99")

_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_AMOUNT_CHARS = re.compile(r"^[0-9.,'\u00a0\u202f ]+$")
#: A currency symbol or code before or after the number (``€ 74000``, ``74000 EUR``).
_CURRENCY_AFFIX = re.compile(r"^(?:[A-Za-z]{3}|[€$£¥₹₣₩₺₽¢])\s*|\s*(?:[A-Za-z]{3}|[€$£¥₹₣₩₺₽¢])$")


class OfferProblem(Exception):
    """The offer cannot be saved; ``problems`` maps each field to a sentence for the user.

    ``str(exc)`` is the first sentence.
    """

    def __init__(self, problems: dict[str, str]) -> None:
        """Keep ``problems`` (field → sentence)."""
        self.problems = dict(problems)
        first = next(iter(self.problems.values()), "The offer cannot be saved.")
        super().__init__(first)


class OfferNotFoundError(LookupError):
    """No offer has the given id (it may have been deleted with its application)."""

    def __init__(self, offer_id: int) -> None:
        """Say which offer is missing."""
        super().__init__(f"Offer {offer_id} no longer exists; it may have been deleted.")
        self.offer_id = offer_id


@dataclass(frozen=True)
class OfferRecord:
    """One offer as the dialog and the dashboard read it.

    ``deadline`` is aware and expressed in ``deadline_tz`` (None without a deadline).
    """

    id: int
    application_id: int
    company: str
    role: str
    received_on: date | None
    deadline: datetime | None
    deadline_tz: str
    amount: Decimal | None
    currency: str
    status: str
    notes: str


# --- Checking what the user typed ------------------------------------------------------------


def parse_amount(text: str) -> Decimal | None:
    """The amount in ``text`` as a Decimal, None when empty; raises ValueError with a sentence.

    Spaces (also non-breaking), apostrophes and a leading or trailing currency
    symbol or code are ignored. With both ``,`` and ``.`` the last one is the
    decimal mark; with only one kind, it is the decimal mark when it appears
    once and is followed by one or two digits, a thousands separator otherwise.
    Thousands separators must group the digits by three (by two before the last
    three, as in India: ``12,34,567``).
    """
    raw = (text or "").strip()
    if not raw:
        return None
    shown = f"“{raw}”"
    sentence = (f"{shown} is not an amount; enter digits only, such as 74000 or 74,000.50, "
                "or leave it empty.")
    cleaned = _CURRENCY_AFFIX.sub("", raw).strip()
    negative = cleaned.startswith(("-", "−"))
    if negative:
        cleaned = cleaned[1:].strip()
    if not cleaned or not _AMOUNT_CHARS.match(cleaned) or not any(c.isdigit() for c in cleaned):
        raise ValueError(sentence)
    if negative:
        raise ValueError(f"{shown} is negative; an offer's amount is zero or more.")
    compact = re.sub(r"[\s'\u00a0\u202f]", "", cleaned)
    whole, fraction = _split_at_decimal_mark(compact, sentence)
    whole = _whole_digits(whole, sentence)
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation as exc:  # pragma: no cover - digits only by now
        raise ValueError(sentence) from exc


def _decimal_mark(compact: str) -> str | None:
    """The decimal mark of an amount without spaces: the last of ``,`` and ``.`` when both
    appear; a lone mark only when it appears once before one or two digits."""
    last_dot, last_comma = compact.rfind("."), compact.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        return "." if last_dot > last_comma else ","
    if last_dot < 0 and last_comma < 0:
        return None
    mark = "." if last_dot >= 0 else ","
    tail = compact[compact.rfind(mark) + 1:]
    return mark if compact.count(mark) == 1 and 1 <= len(tail) <= 2 else None


def _split_at_decimal_mark(compact: str, sentence: str) -> tuple[str, str]:
    """The whole part (separators still in) and the fraction's digits; raises ValueError
    with ``sentence`` when the fraction is not digits."""
    decimal_mark = _decimal_mark(compact)
    if decimal_mark is None:
        return compact, ""
    whole, _, fraction = compact.rpartition(decimal_mark)
    if not fraction.isdigit():
        raise ValueError(sentence)
    return whole, fraction


def _whole_digits(whole: str, sentence: str) -> str:
    """The digits of the whole part without its thousands separators ("0" when empty);
    raises ValueError with ``sentence`` when they are grouped oddly."""
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and not (
            1 <= len(groups[0]) <= 3 and len(groups[-1]) == 3
            and all(len(group) in (2, 3) for group in groups[1:-1])):
        raise ValueError(sentence)  # digits grouped oddly: 1.2.3 or 74,00,0
    whole = "".join(groups) or "0"
    if not whole.isdigit():
        raise ValueError(sentence)
    return whole


def amount_problem(amount: Any) -> str | None:
    """A sentence saying what is wrong with an amount (Decimal or None), or None when usable."""
    if amount is None:
        return None
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        return "Enter the amount as a number, such as 74000 or 74000.50, or leave it empty."
    amount = Decimal(amount)
    if not amount.is_finite():
        return "Enter the amount as a number, such as 74000 or 74000.50, or leave it empty."
    if amount < 0:
        return "The amount is negative; an offer's amount is zero or more."
    if amount > MAX_AMOUNT:
        return "The amount is too large to store; check the number of digits."
    if amount != amount.quantize(Decimal("0.01")):
        return "Enter the amount with at most two decimals, such as 74000.50."
    return None


def currency_problem(currency: Any) -> str | None:
    """A sentence saying what is wrong with a currency code, or None (empty is fine)."""
    text = "" if currency is None else str(currency).strip()
    if not text or _CURRENCY.match(text):
        return None
    shown = text if len(text) <= 20 else text[:19] + "…"
    return (f"“{shown}” is not a currency code; use three letters such as EUR, USD or GBP, "
            "or leave it empty.")


def validate(received_on: Any, deadline: Any, deadline_tz: Any, amount: Any,
             currency: Any) -> dict[str, str]:
    """Every problem with an offer's details, as field → sentence (empty when it can be saved).

    The fields are ``received_on``, ``deadline``, ``deadline_tz``, ``amount`` and
    ``currency``; the zone is checked only when there is a deadline.
    """
    problems: dict[str, str] = {}
    if received_on is not None and (not isinstance(received_on, date)
                                    or isinstance(received_on, datetime)):
        problems["received_on"] = "Enter the day you received the offer, or leave it empty."
    if deadline is not None:
        if not isinstance(deadline, datetime):
            problems["deadline"] = "Enter the deadline as a date and time, or leave it empty."
        elif deadline.tzinfo is None or deadline.utcoffset() is None:
            problems["deadline"] = (
                "The deadline has no time zone; choose the zone the deadline was given in.")
        zone = zone_problem(deadline_tz)
        if zone:
            problems["deadline_tz"] = zone
        if ("deadline" not in problems and "received_on" not in problems
                and received_on is not None and not problems.get("deadline_tz")):
            local_day = deadline.astimezone(ZoneInfo(deadline_tz)).date()
            if local_day < received_on:
                problems["deadline"] = (
                    "The deadline is before the day you received the offer; check both dates.")
    amount_text = amount_problem(amount)
    if amount_text:
        problems["amount"] = amount_text
    currency_text = currency_problem(currency)
    if currency_text:
        problems["currency"] = currency_text
    return problems


def _now(now: datetime | None) -> datetime:
    if now is None:
        return clock.now().replace(microsecond=0)
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware instant")
    return now.astimezone(UTC)


# --- Writing -----------------------------------------------------------------------------------


def _set_stage(app: Any, stage: str, now: datetime) -> None:
    """Move ``app`` to ``stage`` with a stage-history entry (nothing when already there)."""
    if app.stage == stage:
        return
    StageChange.create(application=app, from_stage=app.stage, to_stage=stage, changed_at=now)
    app.stage = stage
    app.updated_at = now
    app.save()


def _offer_values(received_on, deadline, deadline_tz, amount, currency, notes) -> dict:
    return {
        "received_on": received_on,
        "deadline_at": deadline.astimezone(UTC) if deadline is not None else None,
        "deadline_tz": deadline_tz if deadline is not None else (
            deadline_tz if deadline_tz and not zone_problem(deadline_tz) else "UTC"),
        "amount": None if amount is None else Decimal(amount),
        "currency": ("" if currency is None else str(currency)).strip().upper(),
        "notes": "" if notes is None else str(notes),
    }


def record_offer(
    application_id: int,
    received_on: date | None,
    deadline: datetime | None,
    deadline_tz: str,
    amount: Decimal | None,
    currency: str,
    notes: str,
    now: datetime | None = None,
) -> int:
    """Record an offer on an application and move it to the *offer* stage; return the offer id.

    Raises :class:`OfferProblem` (nothing written) when the input is not
    usable, :class:`~services.applications.loading.ApplicationNotFoundError` when the
    application is gone. ``currency`` is stored in capitals.
    """
    problems = validate(received_on, deadline, deadline_tz, amount, currency)
    if problems:
        raise OfferProblem(problems)
    now = _now(now)
    with database_proxy.atomic():
        app = Application.get_or_none(Application.id == application_id)
        if app is None:
            raise ApplicationNotFoundError(application_id)
        offer = Offer.create(application=app, created_at=now, **_offer_values(
            received_on, deadline, deadline_tz, amount, currency, notes))
        _set_stage(app, Stage.OFFER.value, now)
    return offer.id


def update_offer(
    offer_id: int,
    received_on: date | None,
    deadline: datetime | None,
    deadline_tz: str,
    amount: Decimal | None,
    currency: str,
    notes: str,
) -> None:
    """Change an offer's details (not its status). Raises :class:`OfferProblem` or
    :class:`OfferNotFoundError`; nothing is written then."""
    problems = validate(received_on, deadline, deadline_tz, amount, currency)
    if problems:
        raise OfferProblem(problems)
    with database_proxy.atomic():
        offer = Offer.get_or_none(Offer.id == offer_id)
        if offer is None:
            raise OfferNotFoundError(offer_id)
        for key, value in _offer_values(received_on, deadline, deadline_tz, amount, currency,
                                        notes).items():
            setattr(offer, key, value)
        offer.save()


def _decide(offer_id: int, status: OfferStatus, stage: Stage, now: datetime | None) -> None:
    now = _now(now)
    with database_proxy.atomic():
        offer = Offer.get_or_none(Offer.id == offer_id)
        if offer is None:
            raise OfferNotFoundError(offer_id)
        offer.status = status.value
        offer.save()
        app = offer.application
        if stage == Stage.DECLINED:
            others = (Offer.select().where((Offer.application == app) & (Offer.id != offer.id)
                                           & (Offer.status == OfferStatus.PENDING.value)))
            if others.exists():
                return  # another offer on this application is still open
        _set_stage(app, stage.value, now)


def accept_offer(offer_id: int, now: datetime | None = None) -> None:
    """Mark the offer accepted and its application *accepted*, in one transaction."""
    _decide(offer_id, OfferStatus.ACCEPTED, Stage.ACCEPTED, now)


def decline_offer(offer_id: int, now: datetime | None = None) -> None:
    """Mark the offer declined and its application *declined* (unless another offer on the
    same application is still pending), in one transaction."""
    _decide(offer_id, OfferStatus.DECLINED, Stage.DECLINED, now)


# --- Reading ----------------------------------------------------------------------------------


def _record(offer: Any, app: Any) -> OfferRecord:
    deadline = offer.deadline_at
    if deadline is not None:
        zone = UTC if zone_problem(offer.deadline_tz) else ZoneInfo(offer.deadline_tz)
        deadline = deadline.astimezone(zone)
    amount = offer.amount
    return OfferRecord(
        id=offer.id, application_id=app.id, company=app.company, role=app.role,
        received_on=offer.received_on, deadline=deadline, deadline_tz=offer.deadline_tz,
        amount=None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01")),
        currency=offer.currency, status=offer.status, notes=offer.notes,
    )


def application_title(application_id: int) -> tuple[str, str]:
    """The company and role of an application; raises
    :class:`~services.applications.loading.ApplicationNotFoundError`."""
    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    return app.company, app.role


def load_offer(offer_id: int) -> OfferRecord:
    """One offer; raises :class:`OfferNotFoundError`."""
    offer = (Offer.select(Offer, Application).join(Application)
             .where(Offer.id == offer_id).first())
    if offer is None:
        raise OfferNotFoundError(offer_id)
    return _record(offer, offer.application)


def offers_for(application_id: int) -> list[OfferRecord]:
    """Every offer of an application, newest first."""
    query = (Offer.select(Offer, Application).join(Application)
             .where(Offer.application == application_id)
             .order_by(Offer.created_at.desc(), Offer.id.desc()))
    return [_record(offer, offer.application) for offer in query]


def pending_offers() -> list[OfferRecord]:
    """Every pending offer, nearest deadline first (offers without a deadline last)."""
    query = (Offer.select(Offer, Application).join(Application)
             .where(Offer.status == OfferStatus.PENDING.value))
    records = [_record(offer, offer.application) for offer in query]
    records.sort(key=lambda r: (r.deadline is None,
                                r.deadline.timestamp() if r.deadline else 0.0, r.id))
    return records
