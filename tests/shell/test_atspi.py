"""What a screen reader gets from the real app: the demo on Xvfb, read over AT-SPI.

The app runs as ``main.py --demo`` in a child process with
``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``; the test is the screen reader
(tests/support/atspi_client.py): it walks the app's accessible tree, presses buttons
and types through the accessibility interfaces, and uses the keyboard where a
user would (combo boxes). Every label that carries a sentence must give that
sentence to the screen reader, not only a fixed name; combo boxes are
labelled; the section list's "Toggle" switches sections.

Run by ``make test`` under ``xvfb-run -a dbus-run-session`` (Debian's
``at-spi2-core`` provides the accessibility bus).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from tests.conftest import ROOT, subprocess_env
from tests.support.atspi_client import STATE_EXPANDED, AtspiClient, Node

pytestmark = pytest.mark.xvfb

#: Children a screen reader reads on demand (a combo's items, a table's cells): the walk
#: skips them, and what is not on screen, to stay fast.
_SKIP_CHILDREN = {"combo box", "table", "tree", "tree table"}
#: X keysyms for the keyboard (DeviceEventController.GenerateKeyboardEvent).
DOWN, RETURN = 0xFF54, 0xFF0D


class Screen:
    """The running app as the screen reader sees it, with waiting built in."""

    def __init__(self, client: AtspiClient, bus: str, path: str) -> None:
        self.client, self.bus, self.path = client, bus, path

    def tree(self) -> Node:
        """The app's accessible tree now."""
        return self.client.node(self.bus, self.path, prune=lambda node: node.role_name
                                in _SKIP_CHILDREN or not (node.showing or node.path == self.path))

    def wait_for(self, what: str, predicate: Callable[[Node], bool],
                 timeout: float = 20.0) -> Node:
        """The first showing object for which ``predicate`` holds, once there is one."""
        deadline = time.monotonic() + timeout
        while True:
            for node in self.tree().walk():
                if node.showing and predicate(node):
                    return node
            if time.monotonic() > deadline:
                raise AssertionError(f"the screen reader never found {what}")
            time.sleep(0.2)

    def label(self, role: str, says: Callable[[str], bool], timeout: float = 20.0) -> Node:
        """The label whose role is ``role`` (its description, or a fixed name) once what it
        reads out (its name) satisfies ``says``; the failure shows what it read instead."""
        def is_it(node: Node) -> bool:
            return node.role_name == "label" and role in (node.description, node.name)

        deadline = time.monotonic() + timeout
        while True:
            found = [node for node in self.tree().walk() if node.showing and is_it(node)]
            if any(says(node.name) for node in found):
                return next(node for node in found if says(node.name))
            if time.monotonic() > deadline:
                heard = [(node.name, node.description) for node in found]
                raise AssertionError(f"the {role!r} label read {heard} (name, description)")
            time.sleep(0.2)

    def press(self, name: str, role: str = "push button") -> None:
        """Press the showing button called ``name``."""
        node = self.wait_for(f"the {role} {name!r}",
                             lambda n: n.role_name == role and n.name == name)
        self.client.do_action(node, "Press" if "Press" in node.actions else "Toggle")

    def type_into(self, label: str, text: str) -> None:
        """Put ``text`` into the field labelled ``label`` (or named so)."""
        node = self.wait_for(f"the field {label!r}", lambda n: "org.a11y.atspi.EditableText"
                             in n.interfaces and label in (n.name, *n.labelled_by))
        self.client.set_text(node, text)

    def section(self, name: str) -> None:
        """Switch sections as a screen reader does: the section list item's action."""
        item = self.wait_for(f"the section {name!r}",
                             lambda n: n.role_name == "list item" and n.name == name)
        self.client.do_action(item, "Toggle")

    def tab(self, name: str) -> None:
        """Switch to the tab called ``name`` (the tab bar's Selection interface)."""
        tabs = self.wait_for(f"the tab {name!r}", lambda n: n.role_name == "page tab list"
                             and name in [tab.name for tab in n.children])
        self.client.select_child(tabs, [tab.name for tab in tabs.children].index(name))

    def choose(self, combo_label: str, downs: int) -> None:
        """Open the combo box labelled ``combo_label`` and move ``downs`` items down with the
        keyboard, then Enter."""
        combo = self.wait_for(f"the combo box labelled {combo_label!r}",
                              lambda n: n.role_name == "combo box"
                              and combo_label in n.labelled_by)
        self.client.do_action(combo, "ShowMenu")
        deadline = time.monotonic() + 10
        while STATE_EXPANDED not in self.client.node(combo.bus, combo.path, depth=0).states:
            assert time.monotonic() < deadline, f"the {combo_label!r} list did not open"
            time.sleep(0.1)
        for _ in range(downs):
            self.client.key(DOWN)
        self.client.key(RETURN)


@pytest.fixture
def screen(tmp_path):
    """The demo app on the X screen, and the screen reader reading it."""
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.fail("this test needs Xvfb: run it through `make test`")
    data = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data), "--demo"],
        env=subprocess_env(QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1"),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        with AtspiClient() as client:
            bus, path = client.wait_for_application("Next Steps", timeout=60)
            yield Screen(client, bus, path)
    finally:
        proc.kill()
        _out, err = proc.communicate(timeout=10)
    assert "Traceback" not in err, err


def _sentence(role: str) -> Callable[[str], bool]:
    """True for a name that is a sentence of its own, not the label's role."""
    return lambda name: bool(name) and name != role and len(name.split()) >= 3


def test_the_list_count_status_bar_and_dashboard_summary_are_read(screen):
    count = screen.label("Number of applications shown", lambda name: name == "12")
    assert count.description == "Number of applications shown"
    status = screen.label("Status", lambda name: name.startswith("12 applications · data in "))
    assert status.description == "Status"
    stage = screen.wait_for("the stage filter", lambda n: n.role_name == "combo box"
                            and n.name == "All stages")
    assert stage.labelled_by == ["Stage"]
    sort = screen.wait_for("the sort button", lambda n: n.name == "Sort by")
    assert sort.description == "Sorted by Stage, ascending"

    screen.section("Dashboard")
    summary = screen.label("Summary", lambda name: re.fullmatch(
        r"12 applications · \d+ still open · \d+ this week \(goal \d+\)", name) is not None)
    assert summary.description == "Summary"


def test_settings_account_connection_keyring_and_password_status_are_read(screen):
    screen.section("Settings")
    screen.press("Save")
    screen.label("Settings status", lambda name: name == "Saved.")

    screen.tab("Email account")
    screen.label("Keyring status", _sentence("Keyring status"))
    screen.label("Password status", lambda name: name == "No password is stored yet.")
    security = screen.wait_for("the security choice", lambda n: n.role_name == "combo box"
                               and "Security" in n.labelled_by)
    assert security.name == "STARTTLS (port 587)"

    screen.press("Test connection")
    screen.label("Connection test result",
                 lambda name: name == "Correct the fields marked above, then test again.")
    screen.label("Sender address problem", _sentence("Sender address problem"))
    screen.press("Save email account")
    screen.label("Account status",
                 lambda name: name == "Nothing was saved: please correct the fields marked above.")

    for field, text in (("Sender name", "Sam Rivera"), ("Sender address", "sam@example.org"),
                        ("SMTP host", "localhost"), ("User name", "sam@example.org"),
                        ("Password", "not-a-real-password")):
        screen.type_into(field, text)
    screen.press("Save email account")
    screen.label("Account status", lambda name: name == "Saved.")
    screen.label("Password status",
                 lambda name: name.startswith("A password is stored in "))
    screen.press("Test connection")
    screen.label("Connection test result", lambda name: _sentence("Connection test result")(
        name) and not name.startswith(("Testing", "Reading", "Correct the fields")))


def test_the_editor_and_offer_dialog_read_outlook_and_problems(screen):
    screen.press("New application")
    stage = screen.wait_for("the stage", lambda n: n.role_name == "combo box"
                            and "Current stage" in n.labelled_by)
    assert stage.name == "Applied"
    screen.press("Save")
    problems = screen.label("Problems to fix before saving",
                            lambda name: "Enter the company's name" in name)
    assert problems.name.startswith("Not saved yet. Please fix:")

    screen.tab("Interviews")
    screen.press("Add round")
    screen.label("Outlook", lambda name: name.startswith("Undecided. No signals noted yet"))
    screen.label("Reasons", lambda name: name == "Tick the signs you noticed; the reasons "
                 "appear here.")
    screen.label("Expected response", lambda name: name.startswith("Expect an answer by "))
    day = screen.wait_for("the interview date", lambda n: n.name == "Interview date")
    after = datetime.strptime(day.text, "%a %d %b %Y").date() + timedelta(days=1)
    screen.client.do_action(day, "Increase")
    screen.wait_for("the date a day later", lambda n: n.name == "Interview date"
                    and n.text == f"{after:%a} {after.day} {after:%b %Y}")
    screen.press("Explained the next steps in detail", role="check box")
    screen.label("Reasons", lambda name: "They walked you through the next steps" in name)
    screen.label("Outlook", lambda name: name.startswith("Undecided (score +2)"))
    unit = screen.wait_for("the time frame unit", lambda n: n.role_name == "combo box"
                           and "unit" in n.labelled_by)
    assert unit.name == "days"  # its value; its name is the "unit" label
    zone = screen.wait_for("the time zone", lambda n: n.role_name == "combo box"
                           and "time zone" in n.labelled_by)
    assert zone.name == "Europe/Berlin"

    screen.tab("Application")
    screen.type_into("Company", "Acme Widgets")
    screen.type_into("Role", "Tooling Engineer")
    screen.press("Record an offer…")
    screen.type_into("Amount", "a lot")
    offer = screen.wait_for("the offer dialog", lambda n: n.role_name == "dialog"
                            and n.name.startswith("Record an offer from Acme Widgets"))
    save = next(n for n in offer.walk() if n.role_name == "push button" and n.name == "Save")
    screen.client.do_action(save, "Press")
    screen.label("Problems to fix before saving", lambda name: "is not an amount" in name)


def test_the_composer_reads_delivery_state_similarity_and_agency_advice(screen):
    screen.section("Compose")
    picker = screen.wait_for("the interview picker", lambda n: n.role_name == "combo box"
                             and "Interview" in n.labelled_by)
    assert picker.name.startswith("Quill & Ledger")
    kind = screen.wait_for("the kind of note", lambda n: n.role_name == "combo box"
                           and "Kind of note" in n.labelled_by)
    assert kind.name == "Thank-you note after the interview"

    screen.choose("Interview", 1)  # Kestrel Robotics: two interviewers, nothing personal yet
    screen.wait_for("Kestrel's interview chosen", lambda n: n.role_name == "combo box"
                    and n.name.startswith("Kestrel Robotics"))
    screen.press("Prepare notes")
    screen.label("Delivery state", lambda name: name == "State: draft")
    screen.label("Similarity warning", lambda name: "read alike" in name
                 and "Ines Moreau" in name and "Felix Wagner" in name)

    screen.choose("Interview", 2)  # Northwind Logistics, through an agency
    screen.label("Agency advice", lambda name: "Brightpath Talent" in name)
