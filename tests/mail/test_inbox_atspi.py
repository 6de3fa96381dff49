"""The Inbox as a screen reader gets it: the demo on Xvfb, read over AT-SPI (the screen and
its helpers are tests/shell/test_atspi.py's).

The section's name carries its count, each row reads as the words it shows, the message's
meaning and its reasons are sentences, and the buttons are named and pressable.
"""

from __future__ import annotations

import pytest

from tests.shell.test_atspi import screen  # noqa: F401  (the fixture, found by name)

pytestmark = pytest.mark.xvfb


def test_the_inbox_reads_its_replies_and_acts_from_the_accessibility_bus(screen):  # noqa: F811
    screen.section("Inbox (3)")
    rows = screen.wait_for("the list of replies", lambda n: n.role_name == "list"
                           and n.name == "Replies to look at")
    assert rows.showing
    screen.wait_for("a row naming its application", lambda n: n.role_name == "list item"
                    and "Orbit Health — Backend Developer (Python)" in n.name
                    and n.name.startswith("Daniel Weiss, "))
    screen.label("What it means", lambda name: name == "What it means: Asks for something")
    screen.label("Why it is about this application",
                 lambda name: name.startswith("Why it is here: It comes from Daniel Weiss"))
    screen.label("Suggested next step", lambda name: "Nothing changes until you click" in name)
    screen.wait_for("the Reply button", lambda n: n.role_name == "push button"
                    and n.name == "Reply")
    screen.press("Dismiss")
    screen.wait_for("the section with its new count", lambda n: n.role_name == "list item"
                    and n.name == "Inbox (2)")
