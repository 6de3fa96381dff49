"""A canary password never lands on disk or in an error: account setup, a send, a failed login.

Checked: the database file, its WAL (and shared-memory file), the settings table,
every log file in the data folder (logging at DEBUG, so peewee's SQL is logged
too), every other file in the data folder, and the text of every exception and
result sentence produced along the way.
"""

from __future__ import annotations

import base64
import logging
import traceback

import pytest

from models.settings import Setting
from services.core.logs import setup_logging
from services.mail import account as smtp_account
from services.mail import sender as mail_sender
from services.mail import smtp
from services.mail.smtp_problems import ConnectionProblem
from tests.support.smtp_server import MailServer, account_for, make_emails

CANARY = "canary-Pw-9d1e7b2c"


@pytest.fixture
def debug_log(data_paths):
    """The app's rotating log file in the data folder, at DEBUG, removed after the test."""
    root = logging.getLogger()
    level = root.level
    handler = setup_logging(data_paths, level=logging.DEBUG)
    yield data_paths.log_file
    root.removeHandler(handler)
    handler.close()
    root.setLevel(level)


def test_canary_password_never_reaches_disk_logs_or_errors(store, data_paths, debug_log):
    texts: list[str] = []
    with MailServer(password=CANARY) as server:
        account = account_for(server)
        smtp_account.save_account(account, CANARY)
        password = smtp_account.get_password(account)
        assert password == CANARY
        smtp.test_connection(account, password, 5, tls_context=server.client_context())

        ids = make_emails([("José Álvarez", "jose@example.org"), ("Åsa Lind", "asa@example.net")])
        mail_sender.queue(ids)
        sent = mail_sender.send_one(ids[0], account, password,
                                    tls_context=server.client_context(), retry_delay=0)
        assert sent.state == "sent"
        texts.append(sent.message)

        server.password = "the-server-changed-it"  # the next login fails with the canary
        with pytest.raises(ConnectionProblem) as caught:
            smtp.test_connection(account, password, 5,
                                 tls_context=server.client_context())
        texts += [caught.value.message, str(caught.value), repr(caught.value),
                  *traceback.format_exception(caught.value)]
        failed = mail_sender.send_one(ids[1], account, password,
                                      tls_context=server.client_context(), retry_delay=0)
        assert failed.state == "failed"
        texts.append(failed.message)
        assert len(server.messages) == 1
        assert [ok for _user, ok in server.auth_attempts] == [True, True, False, False]

    logging.getLogger().handlers[-1].flush()
    forms = [CANARY, base64.b64encode(f"\0{account.username}\0{CANARY}".encode()).decode()]
    for text in texts:
        for form in forms:
            assert form not in text

    for row in Setting.select():
        assert CANARY not in row.key and CANARY not in row.value

    database = data_paths.database
    wal = database.with_name(database.name + "-wal")
    assert wal.exists(), "the database is expected in WAL mode"
    assert debug_log.exists() and debug_log.stat().st_size > 0
    log_text = debug_log.read_text(encoding="utf-8")
    assert "SELECT" in log_text  # SQL was logged, and still no password in it
    files = [path for path in data_paths.root.rglob("*") if path.is_file()]
    assert database in files and wal in files
    for path in files:
        content = path.read_bytes()
        for form in forms:
            assert form.encode() not in content, f"the password leaked into {path}"
            assert form.encode("utf-16-le") not in content, f"the password leaked into {path}"

    store.close()  # checkpoint the WAL into the file and look once more
    for path in [p for p in data_paths.root.rglob("*") if p.is_file()]:
        assert CANARY.encode() not in path.read_bytes(), f"the password leaked into {path}"
