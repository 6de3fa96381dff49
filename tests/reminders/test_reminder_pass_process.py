"""The reminders' pass in a child process: ``reminders check --json``, :class:`ProcessPass`,
and the window's process holding no ORM at rest (services/reminders/pass_process.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import clock as app_clock
from models.reminder import Reminder
from services.core.write_problems import WriteProblem
from services.reminders import custom
from services.reminders.delivery import run_pass
from services.reminders.items import item_as_json, item_from_json
from services.reminders.listing import ReminderRows
from services.reminders.pass_answer import PassAnswer, answer_as_json, answer_from_json
from services.reminders.pass_process import ProcessPass, ReminderPassError, pass_command
from services.reminders.rules import ReminderKind
from tests.conftest import ROOT, subprocess_env

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2024, 5, 14, 8, 0, tzinfo=UTC)


def _cli(data, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--data-dir", str(data),
                           "reminders", "check", *arguments], capture_output=True, text=True,
                          env=subprocess_env(), cwd=ROOT, timeout=120)


def test_the_command_takes_what_is_due_and_answers_in_json(store):
    due = custom.add_custom("Call Ana", START - timedelta(hours=1), now=START)
    later = custom.add_custom("Send the portfolio", START + timedelta(days=2), now=START)
    result = _cli(store.paths.root, "--json", "--now", START.isoformat(), "--zone",
                  "Europe/Berlin")
    assert result.returncode == 0, result.stderr
    answer = answer_from_json(result.stdout, lambda ids: ReminderRows(store.paths, ids))
    assert [item.id for item in answer.taken] == [due]
    assert [item.text for item in answer.outstanding] == ["Call Ana"]
    assert answer.next_due == START + timedelta(days=2)
    assert Reminder.get_by_id(due).state == "shown"
    assert Reminder.get_by_id(later).state == "pending"
    assert "1 reminder came due; 1 to act on; the next comes due at 2024-05-16 10:00 " \
           "(Europe/Berlin)." in result.stderr
    # A second pass at the same instant takes nothing again: the state was stored.
    again = answer_from_json(_cli(store.paths.root, "--json", "--ids", "--now",
                                  START.isoformat()).stdout, list)
    assert again.taken == [] and again.outstanding == [due]


def test_the_command_prints_a_line_per_reminder_without_json(store):
    custom.add_custom("Call Ana", START - timedelta(hours=1), now=START)
    result = _cli(store.paths.root, "--now", START.isoformat(), "--zone", "Europe/Berlin")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "2024-05-14 09:00  Reminder: Call Ana\n"


@pytest.mark.parametrize("arguments, said", [
    (("--now", "2024-05-14 08:00"), "is not an ISO 8601 instant with an offset"),
    (("--now", "tomorrow"), "is not an ISO 8601 instant with an offset"),
    (("--zone", "Mars/Base"), "is not a time-zone name"),
])
def test_the_command_refuses_a_bad_instant_or_zone(store, arguments, said):
    result = _cli(store.paths.root, *arguments)
    assert result.returncode == 2 and said in result.stderr


def test_a_process_pass_answers_as_the_pass_in_this_process(store):
    app_clock.pin(START)
    custom.add_custom("Call Ana", START - timedelta(hours=1), now=START)
    custom.add_custom("Update CV", START + timedelta(hours=3), now=START)
    answer = ProcessPass(store.paths.root, env=subprocess_env())(START, BERLIN)
    here = run_pass(START, BERLIN)  # taken already: nothing again, the same list
    assert here.taken == [] and list(answer.outstanding) == here.outstanding
    assert isinstance(answer.outstanding, ReminderRows)
    assert [item.text for item in answer.taken] == ["Call Ana"]  # read back: shown now
    assert [item.state for item in answer.taken] == ["shown"]
    assert answer.next_due == here.next_due == START + timedelta(hours=3)
    assert answer.changed is False and answer.summary.startswith("SyncResult(")


def test_an_item_and_an_answer_read_back_as_written():
    item = item_from_json({
        "id": 7, "key": "thanks:round:r", "kind": "thank_you", "text": "Thank Ana",
        "due_at": "2024-05-14T08:00:00+00:00", "state": "shown", "application_id": 3,
        "round_id": None, "custom": False, "snoozed_until": None,
        "shown_at": "2024-05-14T08:00:01.250000+00:00"})
    assert item_from_json(item_as_json(item)) == item
    answer = PassAnswer("s", True, [item], [item], START)
    assert answer_from_json(answer_as_json(answer), list) == answer
    assert answer_from_json(answer_as_json(answer, ids_only=True),
                            lambda ids: [item] if ids == [7] else []) == answer
    unknown = dict(item_as_json(item), kind="from_a_newer_version")
    assert item_from_json(unknown).kind == ReminderKind.CUSTOM
    with pytest.raises(ValueError):
        answer_from_json('{"summary": "s"}', list)
    with pytest.raises(ValueError):
        answer_from_json("not json", list)


def _child(tmp_path, code: str) -> list[str]:
    """A stand-in for the app: a real child process running ``code`` (the pass's arguments
    follow it and are ignored)."""
    script = tmp_path / "child.py"
    script.write_text(code, encoding="utf-8")
    return [sys.executable, str(script)]


@pytest.mark.parametrize("code, error, said", [
    ('print(\'{"problem": "busy", "message": "Another program kept your data busy."}\')\n'
     "raise SystemExit(1)\n", WriteProblem, "Another program kept your data busy."),
    ("print('{\"summary\": 1')\n", ReminderPassError, "gave no answer"),
    ("import sys; sys.stderr.write('Traceback: boom')\nraise SystemExit(3)\n",
     ReminderPassError, r"stopped unexpectedly \(exit code 3\)"),
])
def test_a_failed_pass_says_why(tmp_path, code, error, said):
    runner = ProcessPass(tmp_path, head=_child(tmp_path, code))
    with pytest.raises(error, match=said) as raised:
        runner(START, BERLIN)
    if error is WriteProblem:
        assert raised.value.kind == "busy"


def test_a_pass_that_takes_too_long_is_stopped(tmp_path):
    runner = ProcessPass(tmp_path, head=_child(tmp_path, "import time; time.sleep(60)\n"),
                         timeout_s=0.5)
    began = time.monotonic()
    with pytest.raises(ReminderPassError, match="took longer than"):
        runner(START, BERLIN)
    assert time.monotonic() - began < 30  # a correctness bound: the child was killed


def test_cancel_ends_a_running_pass_and_refuses_the_next(tmp_path):
    runner = ProcessPass(tmp_path, head=_child(tmp_path, "import time; time.sleep(60)\n"))
    errors: list[BaseException] = []

    def run() -> None:
        try:
            runner(START, BERLIN)
        except BaseException as exc:  # the test reads what was raised
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 30
    while not runner.runner.running and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.cancel()
    worker.join(30)
    assert not worker.is_alive()
    assert [type(exc) for exc in errors] == [ReminderPassError]
    with pytest.raises(ReminderPassError, match="stopped"):
        runner(START, BERLIN)


def test_the_command_names_the_pass_as_it_runs(tmp_path):
    command = pass_command(tmp_path, START, BERLIN, resync=False)
    assert command[:2] == [sys.executable, str(ROOT / "main.py")]
    assert command[2:] == ["--data-dir", str(tmp_path), "reminders", "check", "--json", "--ids",
                           "--now", "2024-05-14T08:00:00+00:00", "--zone", "Europe/Berlin",
                           "--no-sync"]


_AT_REST = """
import sys, time
sys.argv = ['main.py']
from datetime import datetime
from models import clock
clock.pin(datetime.fromisoformat(sys.argv_start), 'Europe/Berlin')
from services.core.paths import DataPaths
from ui.shell.app import Startup
s = Startup(DataPaths(sys.argv_data), demo=False, benchmark_startup=False)
assert s.instance.acquire()
assert s._show_window()
s._finish_opening()
deadline = time.monotonic() + 60
while not (s.reminders is not None and s.reminders.ready) and time.monotonic() < deadline:
    s.app.processEvents()
    time.sleep(0.01)
print(s.reminders.ready, len(s.reminders.panel.items()),
      'peewee' in sys.modules, 'services.reminders.sync' in sys.modules)
s.reminders.scheduler.done([s.reminders.panel.items()[0].id])
print(len(s.reminders.panel.items()), 'peewee' in sys.modules)
s.shutdown()
s.instance.release()
"""


def test_the_window_holds_no_orm_once_reminders_run(tmp_path):
    """The reminders start with their pass in a child process: the window's process loads
    neither the ORM nor the engine until the user acts on a reminder (then both work)."""
    from services.core.paths import DataPaths
    from services.core.store import open_store

    data = tmp_path / "d"
    store = open_store(DataPaths(data))
    custom.add_custom("Call Ana", START - timedelta(hours=1), now=START)
    custom.add_custom("Update CV", START - timedelta(minutes=30), now=START)
    store.close()
    code = _AT_REST.replace("sys.argv_data", repr(str(data))).replace(
        "sys.argv_start", repr(START.isoformat()))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "2", "False", "False", "1", "True"], result.stderr


def test_listed_reminders_are_read_a_chunk_at_a_time_when_shown(store, monkeypatch):
    from services.reminders import listing

    monkeypatch.setattr(listing, "CHUNK", 3)
    monkeypatch.setattr(listing, "KEPT_CHUNKS", 2)
    ids = [custom.add_custom(f"Call {n}", START - timedelta(minutes=n), now=START)
           for n in range(8)]
    reads: list[int] = []
    real_read = ReminderRows._read
    monkeypatch.setattr(ReminderRows, "_read",
                        lambda self, chunk: reads.append(len(chunk)) or real_read(self, chunk))
    rows = ReminderRows(store.paths, ids)
    assert len(rows) == 8 and reads == []  # nothing read until a row is asked for
    assert rows[0].text == "Call 0" and rows[2].text == "Call 2" and reads == [3]
    assert rows[-1].text == "Call 7" and reads == [3, 2]
    assert [item.text for item in rows[3:5]] == ["Call 3", "Call 4"] and reads == [3, 2, 3]
    assert rows[0].text == "Call 0" and reads == [3, 2, 3, 3]  # only two chunks are kept
    with pytest.raises(IndexError):
        rows[8]
    Reminder.delete_by_id(ids[1])  # removed since the pass: None, and left out when iterating
    fresh = ReminderRows(store.paths, ids)
    assert fresh[1] is None
    assert [item.id for item in fresh] == ids[:1] + ids[2:]
    assert fresh == ReminderRows(store.paths, ids) and fresh != rows[0:1]


def test_a_row_removed_since_the_pass_reads_as_gone_in_the_list(qtbot, store):
    from ui.reminders.reminder_list import ReminderListModel

    ids = [custom.add_custom(f"Call {n}", START - timedelta(minutes=n), now=START)
           for n in range(2)]
    Reminder.delete_by_id(ids[0])
    model = ReminderListModel(lambda: BERLIN)
    model.set_items(ReminderRows(store.paths, ids))
    assert model.rowCount() == 2 and model.ids() == ids
    assert model.data(model.index(0, 2)) == "This reminder is no longer there."
    assert model.data(model.index(1, 2)) == "Call 1"
    assert model.item(0) is None and model.item(1).id == ids[1] and model.item(2) is None
    assert [item.id for item in model.items()] == [ids[1]]
