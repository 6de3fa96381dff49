"""The real app in the tray (Xvfb, a D-Bus session, the test watcher and notification daemon):
reminders arrive as notifications once across launches and restarts, and the tray menu,
driven over D-Bus as a desktop panel drives it (com.canonical.dbusmenu), marks done and quits.

Run by ``make test`` under ``xvfb-run -a dbus-run-session`` with QT_QPA_PLATFORM=xcb.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

from tests.conftest import ROOT, subprocess_env
from tests.support.dbus_services import DesktopServices

pytestmark = pytest.mark.xvfb

TEXT_A = "Send the portfolio link to Orbit Health"
TEXT_B = "Ask Hannah about the Northwind timeline"


@pytest.fixture(scope="module")
def desktop():
    if os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY"):
        pytest.fail("this test needs Xvfb: run it through `make test`")
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        pytest.fail("this test needs a D-Bus session: run it through `make test`")
    with DesktopServices() as services:
        yield services


def prepare(data: Path, due: dict[str, datetime]) -> dict[str, int]:
    """The demo search plus reminders of the user's own; return their ids by text."""
    from models import database
    from models.base import database_proxy
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from services.data import demo
    from services.reminders import custom

    store = open_store(DataPaths(data))
    try:
        demo.fill_demo()
        return {text: custom.add_custom(text, when) for text, when in due.items()}
    finally:
        store.close()
        database.close()
        database_proxy.initialize(None)


def launch(data: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)],
        env=subprocess_env(QT_QPA_PLATFORM="xcb"), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def states(data: Path) -> dict[int, tuple[str, str | None]]:
    """Each reminder's state and when it was shown, read beside the running app."""
    with closing(sqlite3.connect(f"file:{data / 'nextsteps.sqlite3'}?mode=ro", uri=True)) as db:
        return {row[0]: (row[1], row[2])
                for row in db.execute("SELECT id, state, shown_at FROM reminder")}


class TrayMenu:
    """The tray icon's menu of one app, as a desktop panel reads and clicks it over D-Bus."""

    def __init__(self, item: str) -> None:
        self.item = item
        self.conn = open_dbus_connection(bus="SESSION")
        props = DBusAddress("/StatusNotifierItem", bus_name=item,
                            interface="org.freedesktop.DBus.Properties")
        reply = self.call(props, "Get", "ss", ("org.kde.StatusNotifierItem", "Menu"))
        self.menu = DBusAddress(reply[0][1], bus_name=item, interface="com.canonical.dbusmenu")

    def call(self, address, method, signature, body):
        reply = self.conn.send_and_get_reply(new_method_call(address, method, signature, body),
                                             timeout=10)
        return reply.body

    def open(self) -> list[tuple[int, str, list]]:
        """Open the menu (it is rebuilt) and return its entries: (id, label, children)."""
        self.call(self.menu, "AboutToShow", "i", (0,))
        _revision, layout = self.call(self.menu, "GetLayout", "iias", (0, -1, []))

        def entries(node):
            _id, _props, children = node
            found = []
            for _sig, (child_id, props, grandchildren) in children:
                label = props.get("label", ("s", ""))[1]
                found.append((child_id, label, entries((child_id, props, grandchildren))))
            return found

        return entries(layout)

    def click(self, entry_id: int) -> None:
        self.call(self.menu, "Event", "isvu", (entry_id, "clicked", ("i", 0), 0))

    def close(self) -> None:
        self.conn.close()


def wait(predicate, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)


def item_of(desktop: DesktopServices, proc: subprocess.Popen) -> str:
    """The StatusNotifierItem the process registered."""
    found: list[str] = []

    def registered() -> bool:
        found[:] = [i for i in desktop.items if desktop.pid_of(i) == proc.pid]
        return bool(found)

    wait(registered, what=f"the tray icon of process {proc.pid}")
    return found[-1]


def bodies(desktop: DesktopServices, text: str) -> list:
    return [n for n in desktop.notifications if n.body == text]


def _second_launch_hands_over(data: Path) -> None:
    """A second launch hands over to the first and exits; it shows nothing."""
    second = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--data-dir", str(data)],
        env=subprocess_env(QT_QPA_PLATFORM="xcb"), cwd=ROOT,
        capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stdout


def _done_then_quit_from_the_menu(item: str, data: Path, ids: dict[str, int]) -> None:
    """The tray menu, as a panel shows it: Done on the first reminder, then Quit."""
    menu = TrayMenu(item)
    try:
        entries = menu.open()
        labels = [label for _id, label, _children in entries]
        assert labels[0] == "Open Next Steps" and labels[-1] == "Quit"
        assert any(label.endswith("reminders due") for label in labels)
        (reminder_a,) = [e for e in entries if e[1] == f"Reminder: {TEXT_A}"]
        done = next(child for child in reminder_a[2] if child[1] == "Done")
        menu.click(done[0])
        wait(lambda: states(data)[ids[TEXT_A]][0] == "done", what="Done from the menu")
        entries = menu.open()
        assert not [e for e in entries if e[1] == f"Reminder: {TEXT_A}"]
        quit_entry = next(e for e in entries if e[1] == "Quit")
        menu.click(quit_entry[0])
    finally:
        menu.close()


def _restart_notifies_nothing_again(desktop: DesktopServices, data: Path, ids: dict[str, int],
                                    shown_b: tuple[str, str | None],
                                    procs: list[subprocess.Popen]) -> None:
    """A restart notifies neither again: one was done, the other shown already."""
    seen = len(desktop.notifications)
    third = launch(data)
    procs.append(third)
    third_item = item_of(desktop, third)
    log = (data / "logs" / "nextsteps.log")
    wait(lambda: log.read_text(encoding="utf-8").count("reminders ready") >= 2,
         what="the restarted app's reminders")
    time.sleep(2.0)
    assert [n for n in desktop.notifications[seen:] if n.body in (TEXT_A, TEXT_B)] == []
    assert states(data)[ids[TEXT_B]] == shown_b
    menu = TrayMenu(third_item)
    try:
        entries = menu.open()
        assert [e for e in entries if e[1] == f"Reminder: {TEXT_B}"]  # still listed
        menu.click(next(e for e in entries if e[1] == "Quit")[0])
    finally:
        menu.close()
    _out, err = third.communicate(timeout=20)
    assert third.returncode == 0, err


def test_reminders_are_notified_once_across_launches_and_the_tray_menu_works(desktop,
                                                                             tmp_path):
    data = tmp_path / "data"
    # The children are the real app on the real (or faketime's) clock: the wall clock is the
    # one clock the test and the children share.
    start = datetime.now(UTC).replace(microsecond=0)
    ids = prepare(data, {TEXT_A: start + timedelta(seconds=8),
                         TEXT_B: start + timedelta(seconds=16)})
    seen_before = len(desktop.notifications)
    first = launch(data)
    procs = [first]
    try:
        item = item_of(desktop, first)
        wait(lambda: bodies(desktop, TEXT_A), what="the first reminder's notification")
        (note_a,) = bodies(desktop, TEXT_A)
        assert note_a.summary == "Reminder"
        assert desktop.pid_of(note_a.sender) == first.pid
        assert states(data)[ids[TEXT_A]][0] == "shown"

        _second_launch_hands_over(data)

        wait(lambda: bodies(desktop, TEXT_B), what="the second reminder's notification")
        time.sleep(1.0)
        assert len(bodies(desktop, TEXT_A)) == 1 and len(bodies(desktop, TEXT_B)) == 1
        # Every notification so far came from the first copy.
        assert {desktop.pid_of(n.sender) for n in desktop.notifications[seen_before:]} == {
            first.pid}

        _done_then_quit_from_the_menu(item, data, ids)
        _out, err = first.communicate(timeout=20)
        assert first.returncode == 0, err
        assert "QSystemTrayIcon" not in err and "QDBus" not in err, err
        shown_b = states(data)[ids[TEXT_B]]
        assert shown_b[0] == "shown" and shown_b[1] is not None

        _restart_notifies_nothing_again(desktop, data, ids, shown_b, procs)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=10)
