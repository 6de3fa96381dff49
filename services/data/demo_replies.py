"""The replies in the demo's mailbox: real RFC 5322 messages read as the watcher reads mail.

:func:`add_replies` builds each message's bytes and passes them through
:func:`services.mail.inbox.keeping.take_messages`, so matching and classifying decide what
they mean, as for the user's own mail:

* Kestrel Robotics' tooling lead invites Sam to an on-site round (with the calendar
  invitation attached): "Add the interview";
* Tern Travel turns the application down through its applicant-tracking system: "Mark as
  rejected";
* Orbit Health's CTO asks for two references before the offer's deadline: "Reply";
* Helix Bio's old rejection, already dealt with.

They are dated before the demo's "now" and already announced (no notification at start).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from services.mail.inbox import actions
from services.mail.inbox.keeping import take_messages

__all__ = ["add_replies"]

#: ``at(days from today, hour, minute)`` → that moment in Berlin, as an aware UTC datetime.
At = Callable[..., datetime]
_SAM = Address("Sam Rivera", "sam.rivera", "example.com")


def _message(sender: Address, subject: str, sent: datetime, message_id: str, text: str,
             calendar: str = "") -> bytes:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = _SAM
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = message_id
    message.set_content(text)
    if calendar:
        message.add_alternative(calendar.replace("\n", "\r\n"), subtype="calendar",
                                params={"method": "REQUEST"})
    return message.as_bytes()


def _ics_time(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _kestrel(at: At) -> bytes:
    start, end, sent = at(8, 10), at(8, 14), at(-1, 16, 40)
    calendar = "\n".join([
        "BEGIN:VCALENDAR", "PRODID:-//Kestrel Robotics//Recruiting//EN", "VERSION:2.0",
        "METHOD:REQUEST", "BEGIN:VEVENT", "UID:onsite-7731@kestrel-robotics.example",
        f"DTSTAMP:{_ics_time(sent)}", f"DTSTART:{_ics_time(start)}", f"DTEND:{_ics_time(end)}",
        "SUMMARY:On-site interview - Kestrel Robotics",
        "LOCATION:Kestrel Robotics\\, Am Flutgraben 3\\, Berlin",
        "ORGANIZER;CN=Ines Moreau:mailto:ines.moreau@kestrel-robotics.example",
        "ATTENDEE;CN=Felix Wagner;ROLE=REQ-PARTICIPANT:mailto:felix.wagner@kestrel-robotics"
        ".example",
        "ATTENDEE;CN=Sam Rivera;ROLE=REQ-PARTICIPANT:mailto:sam.rivera@example.com",
        "SEQUENCE:0", "STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR", ""])
    text = (
        "Hi Sam,\n\n"
        "thanks again for your time with the team. Ahead of the pairing session, we "
        "wanted to get the next step in the calendar: we would like to invite you to an "
        "on-site interview at our Berlin office with Felix and two engineers from the "
        "firmware team.\n\n"
        "The invitation is attached. Please let me know if the time does not work for you "
        "and we will find another slot.\n\n"
        "Best,\nInes Moreau\nTooling Lead, Kestrel Robotics\n")
    return _message(Address("Ines Moreau", "ines.moreau", "kestrel-robotics.example"),
                    "Invitation: On-site interview at Kestrel Robotics", sent,
                    "<onsite-7731.invite@kestrel-robotics.example>", text, calendar)


def _tern(at: At) -> bytes:
    text = (
        "Dear Sam,\n\n"
        "Thank you for your interest in the Senior Backend Engineer position at Tern Travel "
        "and for the time you invested in your application.\n\n"
        "After careful consideration, we have decided not to move forward with your "
        "application at this time. We received many strong applications and this was not "
        "an easy decision.\n\n"
        "We wish you every success in your search.\n\n"
        "Kind regards,\nThe Tern Travel Talent Team\n")
    return _message(Address("Tern Travel Recruiting", "no-reply", "us.greenhouse-mail.io"),
                    "Your application to Tern Travel", at(-1, 11, 5),
                    "<tern.5521.reply@us.greenhouse-mail.io>", text)


def _orbit(at: At) -> bytes:
    text = (
        "Hi Sam,\n\n"
        "great to hear you are considering our offer. As a last formality before we can "
        "send the contract, could you please send us the contact details of two references, "
        "ideally a former manager and a colleague you worked with closely?\n\n"
        "If anything about the offer is still unclear, I am happy to have a quick call.\n\n"
        "Best regards,\nDaniel Weiss\nCTO, Orbit Health\n")
    return _message(Address("Daniel Weiss", "daniel.weiss", "orbithealth.example"),
                    "References for your offer", at(-1, 17, 50),
                    "<ref-2026-114@orbithealth.example>", text)


def _helix(at: At) -> bytes:
    text = (
        "Dear Sam,\n\n"
        "Thank you for applying for the Software Engineer role at Helix Bio. Unfortunately, "
        "we have decided to pursue other candidates whose experience more closely matches "
        "our current needs.\n\n"
        "We appreciate your interest in Helix Bio and wish you the best.\n\n"
        "Helix Bio Recruiting\n")
    return _message(Address("Helix Bio Careers", "notifications", "myworkday.com"),
                    "Your application for Software Engineer at Helix Bio", at(-34, 15, 12),
                    "<helix.rej.0921@myworkday.com>", text)


def add_replies(at: At) -> int:
    """Read the demo's replies into the inbox (after its applications exist); how many were
    kept."""
    taken = take_messages([(build(at), "INBOX") for build in (_kestrel, _tern, _orbit, _helix)])
    kept = [item for item in taken if item.kept]
    actions.mark_notified(item.inbox_uid for item in kept)
    for item in kept:
        if item.company == "Helix Bio":
            actions.mark_acted(item.inbox_uid)
    return len(kept)
