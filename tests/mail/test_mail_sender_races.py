"""Sending through a real SMTP server (aiosmtpd, STARTTLS, AUTH) from several threads and
processes at once, and after a crash: one copy only, each thread on its own connection.

Every test ends by asserting how many messages the server holds."""

from __future__ import annotations

import threading

import pytest

from models.email import Email
from models.values import EmailState
from services.mail import sender as mail_sender
from tests.mail.sender_support import INTERVIEWERS, row, send
from tests.support.smtp_server import (  # noqa: F401  (pytest fixtures, found by name)
    PASSWORD,
    mail_server_fixture,
    make_emails,
)

pytestmark = pytest.mark.usefixtures("store")


# -- races, threads, crashes ----------------------------------------------------------------------


def test_double_send_race_between_threads_sends_one_copy(mail_server, store):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    barrier = threading.Barrier(6)
    results = []

    def worker():
        barrier.wait()
        results.append(send(mail_server, email_id))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 6
    assert EmailState.SENT in [r.state for r in results]
    assert sum("not sent again" in r.message for r in results) == 5
    assert row(email_id).state == "sent" and row(email_id).attempts == 1
    assert len(mail_server.messages) == 1


def test_send_one_from_a_worker_thread_uses_its_own_connection(mail_server, store):
    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    outcome = {}

    def worker():
        outcome["result"] = send(mail_server, email_id)
        outcome["closed_after"] = store.db.is_closed()  # this thread's connection

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert outcome["result"].state == EmailState.SENT
    assert outcome["closed_after"] is True
    assert not store.db.is_closed()  # the main thread's connection is untouched
    assert row(email_id).state == "sent"
    assert len(mail_server.messages) == 1


def test_recover_interrupted_marks_sending_rows_uncertain(mail_server):
    ids = make_emails(INTERVIEWERS)
    Email.update(state="sending").where(Email.id == ids[0]).execute()
    Email.update(state="queued").where(Email.id == ids[1]).execute()
    assert mail_sender.recover_interrupted() == 1
    assert [row(i).state for i in ids] == ["uncertain", "queued", "draft"]
    assert "may or may not have arrived" in row(ids[0]).error
    # An interrupted message is not sent again by an ordinary send.
    assert send(mail_server, ids[0]).state == EmailState.UNCERTAIN
    assert len(mail_server.messages) == 0


def test_queue_only_moves_drafts_and_failed(mail_server):
    ids = make_emails(INTERVIEWERS)
    Email.update(state="failed", error="x").where(Email.id == ids[1]).execute()
    Email.update(state="sent").where(Email.id == ids[2]).execute()
    assert mail_sender.queue(ids) == ids[:2]
    assert [row(i).state for i in ids] == ["queued", "queued", "sent"]
    assert row(ids[1]).error == ""
    assert len(mail_server.messages) == 0


RACE_SCRIPT = """
import os, ssl, sys, time
sys.path.insert(0, os.environ["NEXTSTEPS_ROOT"])
from models import database
from services.mail import sender as mail_sender
from services.mail.account import Account

db_path, email_id, host, port, cafile, ready, go = sys.argv[1:]
database.connect(db_path)
account = Account("Zoé Durand", "zoe@example.com", host, int(port), "starttls",
                  "zoe@example.com")
context = ssl.create_default_context(cafile=cafile)
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
result = mail_sender.send_one(int(email_id), account, os.environ["SMTP_TEST_PASSWORD"],
                              tls_context=context, timeout=10, retry_delay=0)
print(result.state.value)
database.close()
"""


def test_double_send_race_between_processes_sends_one_copy(mail_server, data_paths, tmp_path):
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, subprocess_env

    [email_id] = make_emails(INTERVIEWERS[:1])
    mail_sender.queue([email_id])
    script = tmp_path / "race.py"
    script.write_text(RACE_SCRIPT, encoding="utf-8")
    cafile = mail_server.write_cafile(tmp_path / "ca.pem")
    go = tmp_path / "go"
    env = subprocess_env(NEXTSTEPS_ROOT=str(ROOT), SMTP_TEST_PASSWORD=PASSWORD)
    processes = []
    for number in range(3):
        ready = tmp_path / f"ready-{number}"
        processes.append((ready, subprocess.Popen(
            [sys.executable, str(script), str(data_paths.database), str(email_id),
             mail_server.host, str(mail_server.port), str(cafile), str(ready), str(go)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 60
    while not all(ready.exists() for ready, _p in processes):
        assert time.monotonic() < deadline, "the racing processes did not start"
        time.sleep(0.01)
    go.touch()
    states = []
    for _ready, process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        states.append(out.strip())
    # The winner reports "sent"; the others found the row already claimed ("sending"
    # or, if they looked late, "sent") and sent nothing.
    assert "sent" in states and set(states) <= {"sent", "sending"}
    assert row(email_id).state == "sent" and row(email_id).attempts == 1
    assert len(mail_server.messages) == 1


def test_send_one_through_run_in_background(qtbot, mail_server, store):
    """The composer's way: send_one on Qt's thread pool, the result back on the UI thread."""
    from ui.shell.tasks import run_in_background

    ids = make_emails(INTERVIEWERS)
    mail_sender.queue(ids)
    results = []
    for email_id in ids:
        run_in_background(lambda email_id=email_id: send(mail_server, email_id),
                          results.append)
    qtbot.waitUntil(lambda: len(results) == 3, timeout=20000)
    assert [r.state for r in results] == [EmailState.SENT] * 3
    assert [row(i).state for i in ids] == ["sent"] * 3
    assert not store.db.is_closed()
    assert len(mail_server.messages) == 3
