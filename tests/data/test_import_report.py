"""`main.py import`: one rule for a file with entries that cannot be imported, said the same
way by the behaviour, the per-entry report, the exit code, --help and the README."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import command_line
from tests.conftest import FIXTURES, ROOT

ONE_GOOD_ONE_BAD = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:good-1@lumen.example\r\nDTSTAMP:20261101T090000Z\r\n"
    "DTSTART:20261210T140000Z\r\nDTEND:20261210T150000Z\r\n"
    "SUMMARY:Interview for Data Engineer – Lumen Analytics\r\n"
    "ORGANIZER;CN=Mira Hoffmann:mailto:mira@lumen-analytics.example\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:bad-2@lumen.example\r\nDTSTAMP:20261101T090000Z\r\n"
    "DTSTART;TZID=Mars/Olympus_Mons:20261211T100000\r\n"
    "SUMMARY:Second interview – Lumen Analytics\r\n"
    "ORGANIZER;CN=Mira Hoffmann:mailto:mira@lumen-analytics.example\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)
RULE = "Exit code: 0 when every file was imported, 1 when any file was not"


def rows(folder: Path, table: str) -> list[tuple]:
    con = sqlite3.connect(folder / "nextsteps.sqlite3")
    try:
        return con.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
    finally:
        con.close()


def import_(folder: Path, *args: str) -> int:
    return command_line.main(["--data-dir", str(folder), "import", *args])


def test_a_file_with_one_good_and_one_bad_event_changes_nothing(tmp_path, capsys):
    invitation = tmp_path / "invite.ics"
    invitation.write_text(ONE_GOOD_ONE_BAD, encoding="utf-8")
    folder = tmp_path / "data"

    code = import_(folder, str(invitation))

    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith(f"FAIL {invitation}: ")
    assert "invite.ics: 1 of 2 events cannot be imported, so nothing from this file was " \
        "imported" in err
    assert "Event 2 “Second interview – Lumen Analytics” was not imported: its time zone " \
        "“Mars/Olympus_Mons”" in err
    assert "run the command again with --valid-only" in err
    assert rows(folder, "interview_round") == [] and rows(folder, "application") == []


def test_valid_only_imports_the_good_event_lists_the_other_and_succeeds(tmp_path, capsys):
    invitation = tmp_path / "invite.ics"
    invitation.write_text(ONE_GOOD_ONE_BAD, encoding="utf-8")
    folder = tmp_path / "data"

    code = import_(folder, "--valid-only", str(invitation))

    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith(f"ok   {invitation}: Interviews: 1 created, 1 rejected.")
    assert "invite.ics: 2 events read; 1 left out, as you chose." in out
    assert "Created: the interview “Interview for Data Engineer – Lumen Analytics”" in out
    assert "Event 2 “Second interview – Lumen Analytics” was not imported" in out
    assert err == ""
    assert len(rows(folder, "interview_round")) == 1
    (app,) = rows(folder, "application")
    assert "Data Engineer" in app  # the role, read from the title


def test_the_old_spelling_of_the_option_still_works(tmp_path, capsys):
    invitation = tmp_path / "invite.ics"
    invitation.write_text(ONE_GOOD_ONE_BAD, encoding="utf-8")
    assert import_(tmp_path / "data", "--valid-rows-only", str(invitation)) == 0
    capsys.readouterr()


def test_a_spreadsheet_with_a_bad_row_says_how_to_import_the_others(tmp_path, capsys):
    folder = tmp_path / "data"
    code = import_(folder, str(FIXTURES / "with_bad_rows.csv"))
    err = capsys.readouterr().err
    assert code == 1
    assert "3 of 6 rows in with_bad_rows.csv cannot be imported, so nothing was imported" in err
    assert "run the command again with --valid-only" in err
    assert rows(folder, "application") == []


def test_every_file_is_reported_and_one_refused_file_fails_the_command(tmp_path, capsys):
    invitation = tmp_path / "invite.ics"
    invitation.write_text(ONE_GOOD_ONE_BAD, encoding="utf-8")
    folder = tmp_path / "data"
    code = import_(folder, str(FIXTURES / "google_sheets.csv"), str(invitation))
    out, err = capsys.readouterr()
    assert code == 1
    assert out.startswith("ok   ") and "FAIL" in err
    assert len(rows(folder, "application")) > 0  # the spreadsheet was imported
    assert rows(folder, "interview_round") == []


def test_help_and_readme_state_the_same_rule(capsys):
    parser = command_line.build_parser()
    importer = parser._subparsers._group_actions[0].choices["import"]
    help_text = " ".join(importer.format_help().split())
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    section = readme[readme.index("## Command line"):readme.index("## Your data")]
    for text in (help_text, section):
        assert "changes nothing" in text
        assert "--valid-only" in text
        assert RULE in text
        assert "nothing from that file was saved" in text
    assert "a bad file changes nothing" not in help_text.lower()


def test_a_file_with_nothing_valid_fails_even_with_valid_only(tmp_path, capsys):
    sheet = tmp_path / "roles.csv"
    sheet.write_text("Company,Role\nAcme,\nGlobex,\n", encoding="utf-8")
    invitation = tmp_path / "undated.ics"
    invitation.write_text(ONE_GOOD_ONE_BAD.replace("DTSTART:20261210T140000Z\r\n", ""),
                          encoding="utf-8")
    folder = tmp_path / "data"
    code = import_(folder, "--valid-only", str(sheet), str(invitation))
    err = capsys.readouterr().err
    assert code == 1
    assert "No row of roles.csv can be imported (2 rejected), so nothing was imported" in err
    assert "undated.ics: none of its 2 events can be imported" in err
    assert "--valid-only." not in err  # no advice that would not help
    assert rows(folder, "application") == []
