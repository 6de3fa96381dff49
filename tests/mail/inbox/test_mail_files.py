"""``main.py import`` of mail saved as files: a .eml file is one message, a .mbox file many,
each matched, classified and kept as mail read from the mailbox, one line per message."""

from __future__ import annotations

import mailbox
import tracemalloc

import pytest

import command_line
from models import clock, database
from models.inbox import IgnoredMessage, InboxMessage
from services.core.store import open_store
from services.mail.inbox.inbound import parse_message
from services.mail.inbox.mail_files import BATCH, messages_in
from tests.mail.inbox.inbox_data import add_search, corpus, message


@pytest.fixture
def search_dir(data_paths):
    """A data folder holding the search of inbox_data, closed again for the command line."""
    opened = open_store(data_paths)
    add_search()
    opened.close()
    database.close()
    yield data_paths
    database.close()


def counts(data_paths) -> tuple[int, int]:
    """(kept messages, ignored Message-IDs) in the folder's database."""
    opened = open_store(data_paths)
    try:
        return InboxMessage.select().count(), IgnoredMessage.select().count()
    finally:
        opened.close()
        database.close()


def mbox_of(path, messages) -> str:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.flush()
    box.close()
    return str(path)


def head(number: int) -> tuple[str, str]:
    """``day sender: “subject”`` of a corpus message, its day in the user's zone."""
    parsed = parse_message(corpus(number))
    day = parsed.date.astimezone(clock.user_zone()).date().isoformat()
    return day, f"{parsed.from_name} <{parsed.from_address}>: “{parsed.subject}”"


def main(data_paths, *files) -> int:
    return command_line.main(["--data-dir", str(data_paths.root), "import", *map(str, files)])


def test_a_eml_and_a_mbox_file_are_reported_message_by_message(search_dir, tmp_path, capsys):
    eml = tmp_path / "offer.eml"
    eml.write_bytes(corpus(20))
    mbox = mbox_of(tmp_path / "replies.mbox", [corpus(n) for n in (9, 31, 20, 22)])

    assert main(search_dir, eml, mbox) == 0

    days = {n: head(n)[0] for n in (9, 20, 22, 31)}
    heads = {n: head(n)[1] for n in (9, 20, 22, 31)}
    assert capsys.readouterr().out.splitlines() == [
        f"ok   {eml}: read 1 message: 1 about one of your applications",
        f"     {days[20]} Lumen Analytics GmbH — {heads[20]} — offer (suggests Offer)",
        f"ok   {mbox}: read 4 messages: 2 about your applications, 1 not about any of your "
        "applications, 1 already read",
        f"     {days[9]} Northwind Logistics — {heads[9]} — rejection (suggests Rejected)",
        f"     {days[31]} {heads[31]} — not about any of your applications",
        f"     {days[20]} {heads[20]} — already read",
        f"     {days[22]} Kestrel Group or Kestrel Digital — {heads[22]} — rejection (say which "
        "application it is about)",
    ]
    assert counts(search_dir) == (3, 1)


def test_importing_the_same_mail_again_takes_nothing_twice(search_dir, tmp_path, capsys):
    mbox = mbox_of(tmp_path / "replies.mbox", [corpus(n) for n in (18, 19, 28)])
    assert main(search_dir, mbox) == 0
    first = capsys.readouterr().out
    assert "read 3 messages: 2 about your applications, 1 not about any" in first
    assert "— an automatic reply, not kept" in first

    assert main(search_dir, mbox) == 0

    again = capsys.readouterr().out.splitlines()
    assert again[0] == f"ok   {mbox}: read 3 messages: 3 already read"
    assert all(line.endswith("— already read") for line in again[1:])
    assert counts(search_dir) == (2, 1)


def test_a_large_mbox_is_taken_in_batches(search_dir, tmp_path, capsys):
    total = 2 * BATCH + 50
    raws = [message(f"Thank you for your patience, update {n}.",
                    message_id=f"<batch.{n}@lumen-analytics.com>") for n in range(total)]
    mbox = mbox_of(tmp_path / "many.mbox", [*raws, raws[0]])

    assert main(search_dir, mbox) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"ok   {mbox}: read {total + 1} messages: {total} about your "
                      "applications, 1 already read")
    assert len(out) == total + 2
    assert counts(search_dir) == (total, 0)


def test_an_mbox_is_read_one_message_at_a_time(tmp_path):
    big = message("Thank you. " + "x" * (500 * 1024), message_id="<big@x>")
    path = tmp_path / "big.mbox"
    mbox_of(path, [big] * 24)
    size = path.stat().st_size

    tracemalloc.start()
    try:
        seen = sum(1 for _ in messages_in(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert seen == 24
    assert peak < size / 4, (peak, size)


def test_files_that_hold_no_mail_or_are_missing(search_dir, tmp_path, capsys):
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    not_mbox = tmp_path / "saved.mbox"
    not_mbox.write_bytes(b"Subject: no From line\r\n\r\nhello\r\n")

    assert main(search_dir, empty, not_mbox) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"ok   {empty}: it holds no messages (in an mbox file each")
    assert out[1].startswith(f"ok   {not_mbox}: it holds no messages")

    assert main(search_dir, tmp_path / "missing.eml") == 1
    assert capsys.readouterr().err.strip() == (
        f"FAIL {tmp_path / 'missing.eml'}: there is no such file.")
    assert counts(search_dir) == (0, 0)


def test_an_eml_with_odd_bytes_is_reported_too(search_dir, tmp_path, capsys):
    odd = tmp_path / "ODD.EML"
    odd.write_bytes(b"From: \xff <\xff@x>\r\nSubject: \xfe\r\n\r\n\x00\xff")

    assert main(search_dir, odd) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"ok   {odd}: read 1 message: 1 not about any of your applications"
    assert out[1].endswith("— not about any of your applications")
    assert counts(search_dir) == (0, 1)
