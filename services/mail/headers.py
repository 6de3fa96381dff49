"""Checks for every text that ends up in an email header: names, subjects and addresses.

Python 3.11.7 lacks the fix for CVE-2024-6923: a line break hidden in a header
(raw, or inside an encoded word such as ``=?utf-8?q?hi=0ABcc:_x@y?=``) can become
a header of its own. Everything typed by the user is refused here first if it
contains a control character or an encoded word; :mod:`services.mail.message`
then parses the finished message back as a second, independent guard.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

#: An RFC 2047 encoded word, which mail programs would decode into other text.
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")

#: RFC 5322 ``atext``: what a dot-atom local part may contain.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL_PART = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*\Z")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")
#: The longest display name accepted: real names are far shorter, and a name without
#: spaces cannot be folded, so a much longer one would break RFC 5322's 998-byte lines.
MAX_NAME_LENGTH = 200


class HeaderProblem(ValueError):
    """A header value cannot be sent safely; ``message`` says which and why."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def control_characters(text: str) -> list[str]:
    """The control characters (line breaks, tabs, NUL, …) found in ``text``, as U+XXXX."""
    found = []
    for char in text:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp") and char not in found:
            found.append(char)
    return [f"U+{ord(char):04X}" for char in found]


def text_problem(text: str, what: str) -> str | None:
    """A sentence saying why ``text`` cannot be used as the header ``what``, or None."""
    if control_characters(text):
        return (
            f"The {what} contains a line break or another control character, which could "
            "change who receives the message. Remove it and try again."
        )
    if ENCODED_WORD.search(text):
        return (
            f"The {what} contains “=?…?=”, which mail programs would decode into different "
            "text (it can hide extra headers). Remove it and try again."
        )
    return None


def check_text(text: str, what: str, field: str = "") -> str:
    """Return ``text`` stripped of surrounding spaces, or raise :class:`HeaderProblem`."""
    problem = text_problem(text, what)
    if problem:
        raise HeaderProblem(problem, field=field)
    return text.strip()


def name_problem(name: str, what: str) -> str | None:
    """Why ``name`` cannot be the display name ``what`` of an address, or None."""
    problem = text_problem(name, what)
    if problem:
        return problem
    if len(name.strip()) > MAX_NAME_LENGTH:
        return (
            f"The {what} is {len(name.strip()):,} characters long; email allows names of "
            f"up to {MAX_NAME_LENGTH} characters here. Shorten it and try again."
        )
    return None


def check_name(name: str, what: str, field: str = "") -> str:
    """Return the display name stripped, or raise :class:`HeaderProblem` with a sentence."""
    problem = name_problem(name, what)
    if problem:
        raise HeaderProblem(problem, field=field)
    return name.strip()


def address_problem(address: str, what: str = "address") -> str | None:
    """Why ``address`` is not one plain ``name@example.com`` address, or None when it is.

    Only a bare addr-spec is accepted: no display name, no angle brackets, no
    comments, no quoted local part, no second address, ASCII only.
    """
    if not address.strip():
        return f"Enter the {what}, for example name@example.com."
    problem = text_problem(address, what)
    if problem:
        return problem
    address = address.strip()
    example = "Write it as name@example.com, without a name or angle brackets."
    if not address.isascii():
        return (
            f"The {what} “{address}” contains characters other than plain ASCII, which "
            "Next Steps cannot send to. Use the plain ASCII form of the address."
        )
    if any(char in address for char in " <>,;:()[]\"\\"):
        return f"The {what} “{address}” is not a single plain address. {example}"
    if address.count("@") != 1:
        return f"The {what} “{address}” is not a valid email address. {example}"
    local, domain = address.split("@")
    if not local or len(local) > 64 or not _LOCAL_PART.match(local):
        return f"The part before @ in the {what} “{address}” is not valid. {example}"
    if domain.endswith("."):
        return (f"The {what} “{address}” ends with a dot, which email addresses cannot do. "
                "Remove the dot at the end.")
    if host_problem(domain, allow_ip=False) or "." not in domain:
        return f"The domain after @ in the {what} “{address}” is not valid. {example}"
    if len(address) > 254:
        return f"The {what} is longer than email allows (254 characters)."
    return None


def check_address(address: str, what: str = "address", field: str = "") -> str:
    """Return the address stripped, or raise :class:`HeaderProblem` with a sentence."""
    problem = address_problem(address, what)
    if problem:
        raise HeaderProblem(problem, field=field)
    return address.strip()


def host_problem(host: str, *, allow_ip: bool = True) -> str | None:
    """Why ``host`` is not a host name (or, if allowed, an IP address), or None."""
    host = host.strip()
    if not host:
        return "Enter the mail server's host name, for example smtp.example.com."
    if allow_ip:
        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            pass
        else:
            return None
    name = host[:-1] if host.endswith(".") else host
    labels = name.split(".")
    if (
        not host.isascii()
        or len(name) > 253
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        return (
            f"“{host}” is not a valid host name: use letters, digits, hyphens and dots"
            + (", or an IP address." if allow_ip else ".")
        )
    return None


def is_loopback(host: str) -> bool:
    """True for this computer: ``localhost``, 127.0.0.0/8 and ``::1``."""
    host = host.strip().rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
