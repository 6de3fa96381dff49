"""Logging in to an SMTP server with any Unicode user name and password.

``smtplib.SMTP.login`` encodes the credentials as ASCII, so a password such as
``Grüße-Straße-ß7`` raised ``UnicodeEncodeError`` before a byte was sent. RFC
4616 defines ``AUTH PLAIN`` over UTF-8 (``authzid NUL authcid NUL passwd``,
Base64), which servers accept; ``AUTH LOGIN`` has no standard, and servers that
offer it decode the Base64 strings as UTF-8 too. So this module sends both
itself: PLAIN when the server offers it, LOGIN when it offers only that (or
does not recognise PLAIN). A refused password is never retried with another
mechanism, so one wrong password counts as one failed login.
"""

from __future__ import annotations

import base64
import smtplib

__all__ = ["SUPPORTED", "login", "mechanisms"]

#: The mechanisms this module sends, in order of preference.
SUPPORTED = ("PLAIN", "LOGIN")


def mechanisms(session: smtplib.SMTP) -> list[str]:
    """The AUTH mechanisms the server announced in its EHLO reply, upper case."""
    return session.esmtp_features.get("auth", "").upper().split()


def login(session: smtplib.SMTP, username: str, password: str) -> None:
    """Log in on an open, EHLO'd session with PLAIN (or LOGIN); UTF-8 credentials.

    Raises :class:`smtplib.SMTPAuthenticationError` when the server refuses,
    and :class:`smtplib.SMTPException` ("No suitable authentication method")
    when it offers neither mechanism and the credentials are not ASCII (for
    plain ASCII ones ``smtplib``'s own ``login`` still tries CRAM-MD5).
    """
    offered = mechanisms(session)
    if "PLAIN" in offered:
        code, reply = _plain(session, username, password)
        if code == 504 and "LOGIN" in offered:  # announced, then not recognised after all
            code, reply = _login(session, username, password)
    elif "LOGIN" in offered:
        code, reply = _login(session, username, password)
    elif username.isascii() and password.isascii():
        session.login(username, password)
        return
    else:
        raise smtplib.SMTPException("No suitable authentication method found.")
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _plain(session: smtplib.SMTP, username: str, password: str) -> tuple[int, bytes]:
    token = _b64(b"\0" + username.encode("utf-8") + b"\0" + password.encode("utf-8"))
    code, reply = session.docmd("AUTH", "PLAIN " + token)
    if code == 334:  # a server that ignores the initial response asks for it again
        code, reply = session.docmd(token)
    return code, reply


def _login(session: smtplib.SMTP, username: str, password: str) -> tuple[int, bytes]:
    code, reply = session.docmd("AUTH", "LOGIN")
    for secret in (username, password):
        if code != 334:
            return code, reply
        code, reply = session.docmd(_b64(secret.encode("utf-8")))
    return code, reply
