"""A quick first look that sets aside the messages no application can match.

Most of a mailbox is mail from strangers; :func:`services.mail.inbox.matching.match`
reads such a message's words (to tell mail to many apart) before it finds
nothing. :class:`Sieve` answers the question matching's four ways ask first,
from what the message's headers say: could it answer a note the app sent, come
from a known person, from a known company's domain (or a parent of it), or from
an applicant-tracking system? When none can, matching would attach the message
to nothing, so it need not run. The sets are supersets of what matching reads,
so the sieve never drops a message matching would attach.
"""

from __future__ import annotations

from services.mail.inbox import tables
from services.mail.inbox.matching import KnownApplication, MatchResult, Strength

#: What matching says of a message that is about none of the applications.
NO_MATCH = MatchResult((), "It does not answer a note you sent, and neither its sender nor a "
                           "company it names is one of your applications.", Strength.NONE)


def _id_key(message_id: str) -> str:
    return message_id.strip().strip("<>").strip().lower()


class Sieve:
    """What every known application could be matched by, gathered once per batch."""

    def __init__(self, known: list[KnownApplication]) -> None:
        self.sent: set[str] = set()
        self.people: set[str] = set()
        self.domains: set[str] = set()
        for app in known:
            self.sent.update(_id_key(i) for i in app.sent_message_ids)
            self.domains.update(d.strip().lower().lstrip("@") for d in app.domains)
            for _name, email in app.people:
                address = (email or "").strip().lower()
                self.people.add(address)
                self.domains.add(address.rpartition("@")[2].strip())
        self.sent.discard("")
        self.people.discard("")
        # Matching never attaches by a free-mail or job-board domain (a friend's gmail.com).
        self.domains = {d for d in self.domains
                        if d and not tables.is_free_mail(d) and not tables.is_job_board(d)}

    def could_match(self, message) -> bool:
        """False only when no way of matching can attach ``message`` to a known application."""
        asked = {_id_key(i) for i in (message.in_reply_to, *message.references) if i}
        if asked & self.sent:
            return True
        if message.from_address and message.from_address.lower() in self.people:
            return True
        domain = message.sender_domain
        return bool(domain) and (tables.domain_key(domain, self.domains) is not None
                                 or tables.ats_name(domain) is not None)
