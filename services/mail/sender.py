"""The outbox: queue emails and send them one at a time, never twice.

States (``models.values.EmailState``)::

    draft ─queue─► queued ─claim─► sending ─► sent
                     ▲               ├──► failed (reason in Email.error) ─queue/claim─┐
                     │               └──► uncertain (connection lost after the data)  │
                     └──── resend_uncertain (user confirmed) ◄── uncertain             │
                     ◄───────────────────────────────────────────────────────────────┘

* A row is claimed with one ``UPDATE … WHERE state IN ('queued', 'failed')``;
  only the caller that changed exactly one row sends, so a double click, two
  windows or two processes cannot send the same message twice.
* The Message-ID is stored before connecting and reused by every retry.
* 4xx replies and connections lost before the whole message went out are
  retried within :func:`send_one` (bounded); 5xx replies and servers that stop
  answering are not (:mod:`services.mail.delivery` makes one attempt).
* A connection lost after the whole message went out, before the server's
  reply, leaves the row *uncertain*: it is never resent automatically, only by
  :func:`resend_uncertain` after the user confirms.
* Every state change is committed at once, in its own transaction.
* The password is never logged, stored or put into a message.

:func:`send_one` may run on a worker thread: it opens its own database
connection there and closes it when done.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import peewee

from models.base import database_proxy, utc_now
from models.email import Email
from models.values import EmailState
from services.core.connection import thread_connection
from services.mail.account import Account, validate_account
from services.mail.delivery import Outcome as _Outcome
from services.mail.delivery import attempt as _attempt
from services.mail.headers import HeaderProblem
from services.mail.imap.sent_copy import remember_copy
from services.mail.interrupted import recover_interrupted
from services.mail.message import PreparedMessage, new_message_id, prepare
from services.mail.smtp import Step

__all__ = [
    "SendResult",
    "mark_arrived",
    "queue",
    "recover_interrupted",
    "resend_uncertain",
    "send_one",
]

log = logging.getLogger(__name__)

CLAIMABLE = (EmailState.QUEUED.value, EmailState.FAILED.value)

class SendResult(NamedTuple):
    """Where a message ended up after :func:`send_one`, with a sentence for the user."""

    state: EmailState
    message: str


def queue(email_ids: Iterable[int]) -> list[int]:
    """Move drafts (and failed messages) to the outbox; returns the ids actually queued.

    Rows in any other state (sending, sent, uncertain, …) are left alone.
    """

    queued = []
    with thread_connection():
        for email_id in email_ids:
            queued += _queue_one(email_id)
    return queued


def _queue_one(email_id: int) -> list[int]:
    with _transaction():
        changed = (
            Email.update(state=EmailState.QUEUED.value, error="", updated_at=utc_now())
            .where(
                (Email.id == email_id)
                & Email.state.in_([EmailState.DRAFT.value, EmailState.FAILED.value])
            )
            .execute()
        )
    if not changed:
        return []
    log.info("email %s queued", email_id)
    return [email_id]


def send_one(
    email_id: int,
    account: Account,
    password: str | None,
    *,
    tls_context: ssl.SSLContext | None = None,
    timeout: float = 20,
    max_attempts: int = 3,
    retry_delay: float = 2.0,
    on_step: Callable[[Step], None] | None = None,
) -> SendResult:
    """Send one queued (or failed) email to its one recipient, and record what happened.

    Safe to call from a worker thread. Returns the final state and a sentence;
    expected problems never raise. When the row cannot be claimed (another call
    is sending it, or it was sent already) nothing is sent.
    ``tls_context`` is for tests only (a context trusting their CA); ``on_step``
    hears each :class:`~services.mail.smtp.Step` (connecting, securing,
    logging in, sending, retrying) as it begins, on the calling thread.
    """
    with thread_connection():
        return _send_one(email_id, account, password, tls_context=tls_context,
                         timeout=timeout, max_attempts=max(1, max_attempts),
                         retry_delay=retry_delay, on_step=_quiet(on_step))


def _quiet(on_step: Callable[[Step], None] | None) -> Callable[[Step], None]:
    """``on_step`` made harmless: a listener that fails must not change what is sent."""

    def report(step: Step) -> None:
        try:
            if on_step is not None:
                on_step(step)
        except Exception:
            log.exception("a progress listener failed; sending goes on")

    return report


def resend_uncertain(
    email_id: int, account: Account, password: str | None, **options
) -> SendResult:
    """Send an *uncertain* email again, keeping its Message-ID: only on the user's explicit
    confirmation. Other states are left alone (see :func:`send_one` for ``options``)."""
    with thread_connection():
        with _transaction():
            changed = (
                Email.update(state=EmailState.QUEUED.value, updated_at=utc_now())
                .where((Email.id == email_id) & (Email.state == EmailState.UNCERTAIN.value))
                .execute()
            )
        if not changed:
            return _not_claimed(email_id)
        log.info("email %s: the user asked to send it again after an uncertain delivery",
                 email_id)
        return send_one(email_id, account, password, **options)


def mark_arrived(email_id: int) -> bool:
    """The user confirmed an *uncertain* email did arrive: mark it sent by hand."""
    with thread_connection(), _transaction():
        changed = (
            Email.update(state=EmailState.MARKED_SENT.value, error="", updated_at=utc_now(),
                         sent_at=utc_now())
            .where((Email.id == email_id) & (Email.state == EmailState.UNCERTAIN.value))
            .execute()
        )
    return bool(changed)


# -- internals ------------------------------------------------------------------------------


def _transaction():
    return database_proxy.atomic()


def _not_claimed(email_id: int) -> SendResult:
    row = Email.get_or_none(Email.id == email_id)
    if row is None:
        return SendResult(EmailState.FAILED, "This message no longer exists.")
    return SendResult(
        EmailState(row.state),
        "This message is already being sent or is not waiting to be sent, so it was not "
        "sent again.",
    )


def _claim(email_id: int) -> bool:
    with _transaction():
        changed = (
            Email.update(state=EmailState.SENDING.value, updated_at=utc_now())
            .where((Email.id == email_id) & Email.state.in_(CLAIMABLE))
            .execute()
        )
    return changed == 1


def _record(email_id: int, **values) -> None:
    with _transaction():
        Email.update(updated_at=utc_now(), **values).where(Email.id == email_id).execute()


def _finish(email_id: int, outcome: _Outcome, secret: str | None = None,
            sent_bytes: bytes = b"") -> SendResult:
    if secret and len(secret) >= 3 and secret in outcome.message:
        outcome = outcome._replace(message=outcome.message.replace(secret, "•••"))
    values = {"state": outcome.state.value, "error": ""}
    if outcome.state is EmailState.SENT:
        values["sent_at"] = utc_now()
    else:
        values["error"] = outcome.message
    with _transaction():
        _record(email_id, **values)
        if outcome.state is EmailState.SENT and sent_bytes:
            remember_copy(email_id, sent_bytes)
    log.info("email %s: %s", email_id, outcome.state.value)
    return SendResult(outcome.state, outcome.message)


def _send_one(email_id, account, password, *, tls_context, timeout, max_attempts, retry_delay,
              on_step) -> SendResult:
    refused = _claim_or_refuse(email_id)
    if refused is not None:
        return refused
    retries = _Retries(max_attempts, retry_delay, on_step)
    try:
        ready = _ready_to_send(email_id, account)
        if isinstance(ready, SendResult):
            return ready
        attempts, prepared = ready
        outcome = retries.run(email_id, attempts, lambda: _attempt(
            prepared, account, password, tls_context, timeout, on_step))
        return _finish(email_id, outcome, password, prepared.data)
    except Exception as exc:
        return _stopped(email_id, exc, contacted=retries.contacted)


def _claim_or_refuse(email_id: int) -> SendResult | None:
    """Claim the row for sending: None when this call may send it, else why it may not."""
    try:
        claimed = _claim(email_id)
    except peewee.OperationalError as exc:  # e.g. locked for longer than busy_timeout
        log.warning("email %s could not be claimed: %s", email_id, exc)
        return SendResult(EmailState.QUEUED, "The database was busy, so nothing was sent. "
                                             "Try again in a moment.")
    if not claimed:
        log.info("email %s not claimed (already sending, sent or not queued)", email_id)
        return _not_claimed(email_id)
    log.info("email %s claimed for sending", email_id)
    return None


def _ready_to_send(email_id: int, account: Account) -> tuple[int, PreparedMessage] | SendResult:
    """The attempts so far and the checked message, with its Message-ID stored before any
    connection; or the failed :class:`SendResult` when the account or a header is unusable."""
    row = Email.get_by_id(email_id)
    problems = validate_account(account)
    if problems:
        return _finish(email_id, _Outcome(
            EmailState.FAILED,
            "The email account in Settings is not complete: " + next(iter(problems.values())),
        ))
    if not row.message_id:
        row.message_id = new_message_id(account)
        _record(email_id, message_id=row.message_id)
    try:
        return row.attempts, prepare(row, account)
    except HeaderProblem as problem:
        return _finish(email_id, _Outcome(EmailState.FAILED, problem.message))


@dataclass
class _Retries:
    """Up to ``max_attempts`` attempts at one message, ``delay`` times the attempt's number
    apart; ``contacted`` turns True as the first one begins."""

    max_attempts: int
    delay: float
    on_step: Callable[[Step], None]
    contacted: bool = False

    def run(self, email_id: int, attempts: int, send: Callable[[], _Outcome]) -> _Outcome:
        """Call ``send`` until it needs no retry or the attempts run out, counting each in
        the row; the last outcome (failed, saying so, when even the last one wanted more)."""
        outcome = _Outcome(EmailState.FAILED, "Nothing was tried.")
        for attempt in range(1, self.max_attempts + 1):
            attempts += 1
            _record(email_id, attempts=attempts)
            self.contacted = True
            outcome = send()
            if not outcome.retry:
                break
            log.info("email %s: temporary failure on attempt %s of %s", email_id, attempt,
                     self.max_attempts)
            if attempt < self.max_attempts:
                self.on_step(Step("retrying", "Temporary problem; trying again…"))
                time.sleep(self.delay * attempt)
        if outcome.retry:
            outcome = _Outcome(
                EmailState.FAILED,
                f"{outcome.message} Next Steps tried {self.max_attempts} times; nothing was "
                "delivered. Try again later.",
            )
        return outcome


def _stopped(email_id: int, exc: Exception, *, contacted: bool) -> SendResult:
    """A bug, or the database went away: the row must not stay in "sending". If recording
    that fails too, :func:`recover_interrupted` makes it uncertain at the next start."""
    log.error("email %s: sending stopped unexpectedly (%s)", email_id, type(exc).__name__)
    if not contacted:
        return _finish(email_id, _Outcome(
            EmailState.FAILED,
            "Sending stopped unexpectedly before the mail server was contacted, so nothing "
            "was sent. See the log for details.",
        ))
    return _finish(email_id, _Outcome(
        EmailState.UNCERTAIN,
        "Sending stopped unexpectedly, so this message may or may not have gone out. Check "
        "your Sent folder before sending it again; see the log for details.",
    ))
