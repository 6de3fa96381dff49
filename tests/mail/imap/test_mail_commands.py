"""``main.py mail account`` and ``main.py mail check`` against a real Dovecot server.

The commands run in this process (``command_line.main``), so they use the test
session's real keyring; the server's test CA is trusted through ``SSL_CERT_FILE``,
which the app's default TLS context reads, as a user's system store would be.
"""

from __future__ import annotations

import io
import json

import pytest

from command_line import main
from models.inbox import InboxMessage
from services.core.store import open_store
from tests.mail.inbox.inbox_data import add_search, corpus, message

pytestmark = pytest.mark.slow

CANARY = "canary-Pw-7d1f3a"


@pytest.fixture
def trusted(imap_server, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(imap_server.ca_file))
    return imap_server


@pytest.fixture
def searching(data_paths):
    opened = open_store(data_paths)
    try:
        add_search()
    finally:
        opened.close()
    return data_paths


def account(paths, server, user: str, password: str, capsys, monkeypatch,
            security: str = "tls") -> int:
    """Run ``mail account`` with ``password`` on standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    port = server.tls_port if security == "tls" else server.starttls_port
    return main(["--data-dir", str(paths.root), "mail", "account", "--host", server.host,
                 "--port", str(port), "--security", security, "--user", user])


def test_account_then_check_prints_one_json_line_per_new_reply(
        trusted, imap_user, searching, capsys, monkeypatch):
    address, password = imap_user
    trusted.append(address, password, corpus(18))
    trusted.append(address, password, message("Ten tips.", sender="news@tips.example",
                                              message_id="<n@tips.example>",
                                              headers="List-Id: <tips.example>"))
    assert account(searching, trusted, address, password, capsys, monkeypatch) == 0
    assert "the password is in the keyring" in capsys.readouterr().out
    assert main(["--data-dir", str(searching.root), "mail", "check", "--json"]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["company"] for line in lines] == ["Lumen Analytics GmbH"]
    assert set(lines[0]) == {"message_id", "from", "subject", "date", "application_uid",
                             "company", "kind", "suggested_stage", "reasons"}
    assert "1 new message" in err
    assert main(["--data-dir", str(searching.root), "mail", "check"]) == 0
    assert capsys.readouterr().out == ""


def test_starttls_works_too(trusted, imap_user, searching, capsys, monkeypatch):
    address, password = imap_user
    trusted.append(address, password, corpus(18))
    assert account(searching, trusted, address, password, capsys, monkeypatch,
                   security="starttls") == 0
    capsys.readouterr()
    assert main(["--data-dir", str(searching.root), "mail", "check"]) == 0
    assert "Lumen Analytics" in capsys.readouterr().out


def test_a_refused_login_exits_1_with_a_sentence_and_no_password(
        trusted, imap_user, searching, capsys, monkeypatch, caplog):
    address, _password = imap_user
    assert account(searching, trusted, address, CANARY, capsys, monkeypatch) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(searching.root), "mail", "check"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "refused the login" in err
    assert CANARY not in err + caplog.text
    backup = searching.root / "backup.json"
    assert main(["--data-dir", str(searching.root), "export", "--format", "json",
                 "-o", str(backup)]) == 0
    for path in searching.root.rglob("*"):
        if path.is_file():
            assert CANARY.encode() not in path.read_bytes(), path


def test_an_unreachable_server_exits_1(searching, capsys, monkeypatch, imap_server):
    from tests.support.smtp_server import free_port

    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    assert main(["--data-dir", str(searching.root), "mail", "account", "--host", "127.0.0.1",
                 "--port", str(free_port()), "--security", "tls", "--user", "u"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(searching.root), "mail", "check"]) == 1
    assert "127.0.0.1" in capsys.readouterr().err


def test_check_without_an_account_says_how_to_set_one_up(searching, capsys):
    assert main(["--data-dir", str(searching.root), "mail", "check"]) == 1
    assert "mail account --host" in capsys.readouterr().err


def test_plain_to_another_host_is_refused_by_the_account_command(
        searching, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    code = main(["--data-dir", str(searching.root), "mail", "account", "--host",
                 "mail.example.org", "--port", "143", "--security", "plain", "--user", "u"])
    assert code == 1
    assert capsys.readouterr().err.strip()


def test_the_kept_reply_is_in_the_database(trusted, imap_user, searching, capsys, monkeypatch):
    address, password = imap_user
    trusted.append(address, password, corpus(18))
    account(searching, trusted, address, password, capsys, monkeypatch)
    main(["--data-dir", str(searching.root), "mail", "check"])
    opened = open_store(searching)
    try:
        assert InboxMessage.select().count() == 1
    finally:
        opened.close()
