"""Notes a crash left half-sent: at start-up they become *uncertain*, never resent.

Apart from :mod:`services.mail.sender` so that start-up can run it without
loading SMTP, TLS and the email package (about 3.5 MB).
"""

from __future__ import annotations

import logging

from models.base import database_proxy, utc_now
from models.email import Email
from models.values import EmailState
from services.core.connection import thread_connection

__all__ = ["INTERRUPTED_SENTENCE", "recover_interrupted"]

log = logging.getLogger(__name__)

INTERRUPTED_SENTENCE = (
    "Next Steps stopped while this message was being sent, so it may or may not have arrived. "
    "Check your Sent folder before sending it again; it will not be resent by itself."
)


def recover_interrupted() -> int:
    """At start-up: rows left in *sending* by a crash become *uncertain* (never resent).

    Returns how many rows were changed.
    """
    with thread_connection(), database_proxy.atomic():
        changed = (
            Email.update(state=EmailState.UNCERTAIN.value, error=INTERRUPTED_SENTENCE,
                         updated_at=utc_now())
            .where(Email.state == EmailState.SENDING.value)
            .execute()
        )
    if changed:
        log.warning("%s email(s) were interrupted while sending; marked uncertain", changed)
    return changed
