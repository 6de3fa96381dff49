"""The command line: ``main.py import FILE...`` and ``main.py export --format F -o FILE``."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import command_line
from models import database
from services.core.paths import DataPaths
from services.core.store import open_store
from tests.conftest import FIXTURES, ROOT, subprocess_env

TABLES = ("application", "stage_change", "offer", "interview_round", "interviewer",
          "round_signal", "email", "reminder", "template", "setting", "mail_folder",
          "inbox_message", "ignored_message", "sent_copy")


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True, text=True, timeout=120, env=env or subprocess_env(), cwd=ROOT,
    )


def dump(data_dir: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(Path(data_dir) / "nextsteps.sqlite3")
    try:
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in TABLES}
    finally:
        con.close()


@pytest.fixture
def demo_dir(tmp_path) -> Path:
    """A data folder holding the demo search (made through the command line itself)."""
    folder = tmp_path / "demo"
    result = run("--data-dir", str(folder), "--demo", "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


def test_json_export_and_import_into_an_empty_folder_is_identical(demo_dir, tmp_path):
    backup = tmp_path / "out" / "backup.json"
    exported = run("--data-dir", str(demo_dir), "export", "--format", "json", "-o", str(backup))
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("ok   exported 12 applications")
    assert json.loads(backup.read_text(encoding="utf-8"))["format"] == "nextsteps-backup"

    target = tmp_path / "restored"
    imported = run("import", str(backup), "--data-dir", str(target))  # option after the command

    assert imported.returncode == 0, imported.stderr
    assert "12 applications" in imported.stdout
    assert dump(target) == dump(demo_dir)


def test_the_environment_variable_chooses_the_folder_too(demo_dir, tmp_path):
    out = tmp_path / "apps.csv"
    result = run("export", "-o", str(out), env=subprocess_env(NEXTSTEPS_DATA_DIR=str(demo_dir)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok   exported 12 applications to {out}"
    assert out.read_bytes().startswith(b"\xef\xbb\xbfCompany,Role,")


def test_a_json_backup_into_existing_data_needs_merge_or_replace(demo_dir, tmp_path):
    backup = tmp_path / "b.json"
    assert run("--data-dir", str(demo_dir), "export", "-o", str(backup)).returncode == 0
    before = dump(demo_dir)

    refused = run("--data-dir", str(demo_dir), "import", str(backup))

    assert refused.returncode == 1
    assert "--merge" in refused.stderr and "--replace" in refused.stderr
    assert "Nothing was changed" in refused.stderr
    assert dump(demo_dir) == before

    merged = run("--data-dir", str(demo_dir), "import", "--merge", str(backup))
    assert merged.returncode == 0, merged.stderr
    assert "backed up to" in merged.stdout
    assert dump(demo_dir) == before  # the same data merged into itself

    replaced = run("--data-dir", str(demo_dir), "import", "--replace", str(backup))
    assert replaced.returncode == 0, replaced.stderr
    assert dump(demo_dir) == before


def test_csv_import_reports_rows_and_a_bad_file_saves_nothing(tmp_path):
    folder = tmp_path / "d"
    bad = run("--data-dir", str(folder), "import", str(FIXTURES / "with_bad_rows.csv"))
    assert bad.returncode == 1
    assert "3 of 6 rows" in bad.stderr
    assert "row 4: rejected “Bad Date Ltd”" in bad.stderr
    assert dump(folder)["application"] == []

    some = run("--data-dir", str(folder), "import", "--valid-rows-only",
               str(FIXTURES / "with_bad_rows.csv"))
    assert some.returncode == 0, some.stderr
    assert "2 applications imported, 3 rows rejected" in some.stdout
    assert [row[2] for row in dump(folder)["application"]] == ["Good One", "Good Two"]


def test_each_file_is_its_own_transaction_and_any_failure_fails_the_command(tmp_path):
    folder = tmp_path / "d"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    unknown = tmp_path / "notes.docx"
    unknown.write_bytes(b"PK")

    result = run("--data-dir", str(folder), "import", str(FIXTURES / "google_sheets.csv"),
                 str(broken), str(unknown), str(FIXTURES / "us_dates.csv"),
                 str(tmp_path / "missing.csv"))

    assert result.returncode == 1
    assert result.stdout.count("ok   ") == 2
    assert "broken.json cannot be imported: it is not valid JSON" in result.stderr
    assert "notes.docx" in result.stderr and "none of them" in result.stderr
    assert "missing.csv: there is no such file" in result.stderr
    assert len(dump(folder)["application"]) == 5


INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:abc-123@example.com\r\nDTSTAMP:20261101T090000Z\r\n"
    "DTSTART:20261210T140000Z\r\nDTEND:20261210T150000Z\r\n"
    "SUMMARY:Interview with Lumen Analytics\r\n"
    "ORGANIZER;CN=Mira Hoffmann:mailto:mira@lumen.example\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def test_ics_import_through_the_calendar_module(tmp_path):
    good = tmp_path / "invite.ics"
    good.write_text(INVITATION, encoding="utf-8")
    bad = tmp_path / "bad.ics"
    bad.write_text("garbage", encoding="utf-8")
    folder = tmp_path / "d"

    result = run("--data-dir", str(folder), "import", str(good), str(bad))

    assert result.returncode == 1  # the bad file fails the command
    assert result.stdout.startswith(f"ok   {good}:")
    assert f"FAIL {bad}:" in result.stderr
    assert len(dump(folder)["interview_round"]) == 1


def test_ics_export_through_the_calendar_module(demo_dir, tmp_path):
    target = tmp_path / "cal.ics"
    result = run("--data-dir", str(demo_dir), "export", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok   exported ") and "calendar event" in result.stdout
    assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_database_from_a_newer_version_is_refused_by_the_command_line(demo_dir, tmp_path):
    con = sqlite3.connect(demo_dir / "nextsteps.sqlite3")
    con.execute("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00+00:00')")
    con.commit()
    con.close()
    before = (demo_dir / "nextsteps.sqlite3").read_bytes()

    exported = run("--data-dir", str(demo_dir), "export", "-o", str(tmp_path / "x.json"))
    imported = run("--data-dir", str(demo_dir), "import", str(FIXTURES / "us_dates.csv"))

    for result in (exported, imported):
        assert result.returncode == 1
        assert "newer version of Next Steps" in result.stderr
    assert not (tmp_path / "x.json").exists()
    assert (demo_dir / "nextsteps.sqlite3").read_bytes() == before


def test_export_problems_are_sentences(demo_dir, tmp_path):
    nothing = run("--data-dir", str(tmp_path / "empty"), "export", "-o",
                  str(tmp_path / "x.json"))
    assert nothing.returncode == 1
    assert "no Next Steps data" in nothing.stderr
    assert not (tmp_path / "empty").exists()

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    unwritable = run("--data-dir", str(demo_dir), "export", "-o", str(blocker / "x.json"))
    assert unwritable.returncode == 1
    assert "could not be written" in unwritable.stderr
    assert "Traceback" not in unwritable.stderr

    unknown = run("--data-dir", str(demo_dir), "export", "-o", str(tmp_path / "x.xlsx"))
    assert unknown.returncode == 2
    assert "--format" in unknown.stderr


def test_file_commands_never_load_qt(tmp_path):
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import main\n"
        f"rc = main.main(['--data-dir', {str(tmp_path / 'd')!r}, 'import', "
        f"{str(FIXTURES / 'us_dates.csv')!r}])\n"
        f"rc += main.main(['--data-dir', {str(tmp_path / 'd')!r}, 'export', '-o', "
        f"{str(tmp_path / 'x.json')!r}])\n"
        "print(rc, sorted(m for m in sys.modules if m.startswith('PySide6')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, env=subprocess_env(), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "0 []"


def test_the_existing_options_still_parse():
    args = command_line.build_parser().parse_args(["--data-dir", "D", "--demo", "--self-test"])
    assert (args.data_dir, args.demo, args.self_test, args.command) == ("D", True, True, None)
    args = command_line.build_parser().parse_args(["--data-dir", "D", "import", "a.csv", "b.json"])
    assert (args.data_dir, args.command, args.files, args.mode) == (
        "D", "import", ["a.csv", "b.json"], None)
    args = command_line.build_parser().parse_args(
        ["import", "--replace", "a.json", "--data-dir", "E"])
    assert (args.data_dir, args.mode) == ("E", "replace")
    args = command_line.build_parser().parse_args(["export", "-o", "x.csv"])
    assert (args.data_dir, args.format, args.output) == (None, None, "x.csv")
    with pytest.raises(SystemExit):
        command_line.build_parser().parse_args(["import", "--merge", "--replace", "a.json"])


def test_in_process_import_into_a_read_only_store_is_refused(data_paths, monkeypatch, capsys):
    from services.core import store as store_module

    opened = open_store(data_paths)
    opened.close()
    database.close()
    monkeypatch.setattr(store_module, "folder_is_writable", lambda paths: False)
    code = command_line.main(
        ["--data-dir", str(data_paths.root), "import", str(FIXTURES / "us_dates.csv")])
    assert code == 1
    assert "reading only" in capsys.readouterr().err
    assert dump(data_paths.root)["application"] == []
    assert isinstance(DataPaths(data_paths.root), DataPaths)


_PLAIN_TOKENS = ["--demo", "--self-test", "--minimized", "--benchmark-startup", "--data-dir",
                 "--benchmark-startup=typing", "--benchmark-startup=stalls",
                 "--benchmark-startup=nope",
                 "--data-dir=/tmp/a b", "--data-dir=", "/tmp/x", "", "-x", "import", "--dem",
                 "--data-dir=-v", "é"]


@given(st.lists(st.sampled_from(_PLAIN_TOKENS), max_size=6))
@settings(max_examples=300, deadline=None)
def test_a_plain_start_is_read_as_argparse_reads_it(argv):
    """command_line.parse_plain_start skips building the parser for a plain start; whenever it
    answers, argparse gives the same values (it declines everything else)."""
    fast = command_line.parse_plain_start(argv)
    if fast is None:
        return
    full = command_line.build_parser().parse_args(argv)
    assert vars(fast) == {key: getattr(full, key) for key in vars(fast)}
    assert full.command is None


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["export", "-o", "x.json"],
                                  ["--data-dir"], ["--dem"], ["--data-dir", "-x"]])
def test_anything_but_a_plain_start_goes_to_argparse(argv):
    assert command_line.parse_plain_start(argv) is None


def test_the_benchmark_probes_are_the_apps():
    from ui.shell.bench_probe import PROBES

    assert command_line._BENCH_PROBES == PROBES
