"""One attempt at handing a prepared message to the mail server, and what its end means.

:func:`attempt` connects, secures, logs in and sends ``MAIL``, ``RCPT`` and
``DATA``; it never raises. What a failure means depends on how far it got:

* before the whole message (with its final dot) went out, the server cannot
  have taken it: the message is *failed*, and worth another attempt when the
  connection dropped or the server answered 4xx. A server that never greets,
  or stops answering before that point, is said to have not answered;
* after the whole message went out but before the server's reply, it may or
  may not have arrived: *uncertain*, never retried by itself.

Progress goes to ``on_step`` as :class:`services.mail.smtp.Step` values.
"""

from __future__ import annotations

import logging
import smtplib
from typing import NamedTuple

from models.values import EmailState
from services.mail.smtp import Step, close_session, open_session
from services.mail.smtp_problems import ConnectionProblem, problem_from, reply_text

log = logging.getLogger(__name__)

__all__ = ["Outcome", "attempt"]

UNCERTAIN_SENTENCE = (
    "The connection to {host} was lost after the message was handed over, so it may or may "
    "not have arrived. Check your Sent folder or ask the recipient before sending it again; "
    "Next Steps will not resend it by itself."
)
UNANSWERED_SENTENCE = (
    "The mail server {host} took the whole message but did not confirm it within {seconds}, "
    "so it may or may not have arrived. Check your Sent folder or ask the recipient "
    "before sending it again; Next Steps will not resend it by itself."
)


class Outcome(NamedTuple):
    """How an attempt ended: the state to record, a sentence, and whether to try again."""

    state: EmailState
    message: str
    retry: bool = False


def attempt(prepared, account, password, tls_context, timeout, on_step) -> Outcome:
    """One connection: connect, log in, MAIL, RCPT, DATA. Never raises."""

    try:
        session = open_session(account, password, timeout=timeout, tls_context=tls_context,
                               on_step=on_step)
    except ConnectionProblem as problem:
        message = problem.message
        if problem.kind == "auth_failed":
            message += " Nothing was sent; the password is still kept in the keyring."
        return Outcome(EmailState.FAILED, message, retry=problem.retryable)
    try:
        on_step(Step("sending", f"Sending to {prepared.recipient}…"))
        return _deliver(session, prepared, account, timeout)
    finally:
        close_session(session)


def _deliver(session, prepared, account, timeout) -> Outcome:
    try:
        code, reply = session.mail(prepared.sender)
        if code != 250:
            return _refused(code, reply, f"the sender address {prepared.sender}",
                            "Check the sender address in Settings → Email account.")
        code, reply = session.rcpt(prepared.recipient)
        if code not in (250, 251):
            return _refused(code, reply, f"the recipient address {prepared.recipient}",
                            "Check the address.")
        code, reply = session.data(prepared.data)
    except smtplib.SMTPDataError as exc:  # the DATA command itself was refused (no 354)
        return _refused(exc.smtp_code, exc.smtp_error, "the message", "")
    except Exception as exc:
        return _interrupted(exc, session.data_phase, account, timeout)
    if code == 250:
        return Outcome(EmailState.SENT, f"Sent to {prepared.recipient}.")
    return _refused(code, reply, "the message", "")


def _interrupted(exc: Exception, phase: str, account, timeout: float) -> Outcome:
    """The connection failed during MAIL, RCPT or DATA: say how far the message got."""

    host = account.host.strip()
    seconds = f"{timeout:g} second{'' if timeout == 1 else 's'}"
    problem = problem_from(exc, account, timeout)
    if phase == "delivered":
        log.warning("connection lost after the message data was sent (%s)", type(exc).__name__)
        sentence = UNANSWERED_SENTENCE if problem.kind == "timeout" else UNCERTAIN_SENTENCE
        return Outcome(EmailState.UNCERTAIN, sentence.format(host=host, seconds=seconds))
    if problem.kind == "timeout":
        return Outcome(
            EmailState.FAILED,
            f"The mail server {host} stopped answering for {seconds} before the message was "
            "handed over, so it was not sent. Try again later.",
        )
    if problem.kind == "disconnected" or phase == "content":
        return Outcome(
            EmailState.FAILED,
            f"The connection to {host} was lost before the message was handed over.",
            retry=True,
        )
    return Outcome(EmailState.FAILED, problem.message, retry=problem.retryable)


def _refused(code: int, reply, what: str, advice: str) -> Outcome:

    text = reply_text(reply)
    if 400 <= code < 500:
        return Outcome(
            EmailState.FAILED,
            f"The mail server could not take {what} for now (reply {code}: {text}).",
            retry=True,
        )
    sentence = f"The mail server refused {what} (reply {code}: {text}); it was not sent."
    return Outcome(EmailState.FAILED, f"{sentence} {advice}".strip())
