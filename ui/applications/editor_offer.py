"""What the application editor's Offer box says: which offer it shows, and its summary.

:class:`ui.applications.editor.ApplicationEditor` shows :func:`offer_summary` of
:func:`current_offer` in the box and opens that offer from its button.
"""

from __future__ import annotations

from services.applications.offers import OfferRecord, offers_for

_STATUS_WORDS = {"pending": "open", "accepted": "accepted", "declined": "declined"}


def current_offer(application_id: int | None) -> OfferRecord | None:
    """The open offer of the application, else its newest; None without any (or unsaved)."""
    if application_id is None:
        return None
    offers = offers_for(application_id)
    pending = [offer for offer in offers if offer.status == "pending"]
    return (pending or offers or [None])[0]


def offer_summary(offer: OfferRecord | None) -> tuple[str, str]:
    """The box's sentence (amount · deadline · status) and its button's text."""
    if offer is None:
        return "No offer recorded.", "Record an offer…"
    parts = []
    if offer.amount is not None:
        parts.append(f"{offer.amount:,.0f} {offer.currency}".strip())
    if offer.deadline is not None:
        parts.append(f"answer by {offer.deadline:%a %d %b %Y, %H:%M}")
    parts.append(_STATUS_WORDS.get(offer.status, offer.status))
    return " · ".join(parts), "Open the offer…"
