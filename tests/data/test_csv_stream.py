"""Spreadsheet imports read row by row (services.data.csv_stream): empty rows cost no memory, long
reports stay short, the reading needs no database, the writing matches the editor's save.

Speed is measured by ``make bench`` (csv_import_100k_s, csv_import_1m_blank_peak_mb)."""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

import pytest

from models.application import Application, StageChange
from services.applications import loading, saving
from services.data import csv_import, csv_report
from services.data.csv_stream import apply_csv_plan, plan_csv
from services.data.json_import import ImportProblem


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def peak_kib(path: Path):
    """The peak of Python's allocations (KiB) while ``path`` is read, and the plan."""
    tracemalloc.start()
    try:
        plan = plan_csv(path)
        return tracemalloc.get_traced_memory()[1] / 1024, plan
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_blank_lines(tmp_path, monkeypatch):
    from services.data import csv_files as csv_io

    # The encoding check decodes a chunk at a time (small chunks here) and the separator is
    # found in the first 64 KB (the same rows in both files): only the blank lines differ.
    monkeypatch.setattr(csv_io, "_CHUNK", 8 * 1024)
    head = "Company,Role,Notes\n" + "".join(f"Firm {n},Role {n},{'x' * 40}\n"
                                             for n in range(1_500))
    few = write(tmp_path / "few.csv", head + "\r\n" * 5_000 + "C,D,\n")
    many = write(tmp_path / "many.csv", head + "\r\n" * 100_000 + "C,D,\n")
    small, _ = peak_kib(few)
    large, plan = peak_kib(many)
    # 95,000 more blank lines: not a byte each (they used to cost about 870 bytes each).
    assert large - small < 16, (small, large)
    assert plan.counts == {"skipped": 100_000}
    assert [(r.row, r.last_row, r.status) for r in plan.reports] == [(1_502, 101_501,
                                                                      "skipped")]
    assert len(plan.valid) == 1_501 and plan.valid[-1].number == 101_502


def test_runs_of_empty_rows_are_one_line_of_the_report(store, tmp_path):
    path = write(tmp_path / "gaps.csv", "Company,Role,Notes\nA,B,\n,,\n\nC,D,\n, ,\nE,F,\n")
    result = csv_import.import_applications_csv(path)
    assert [report.line() for report in result.rows] == [
        "row 2: imported “A”", "rows 3–4: skipped: the rows are empty", "row 5: imported “C”",
        "row 6: skipped: the row is empty", "row 7: imported “E”"]
    assert result.count("skipped") == 3 and result.count("imported") == 3


def test_a_report_lists_a_thousand_rows_of_a_kind_and_counts_the_rest(store, tmp_path, capsys):
    import command_line

    rows = "".join(f"Firm {n},\n" for n in range(1_500))  # every role is empty
    path = write(tmp_path / "bad.csv", "Company,Role\nGood,Role\n" + rows)
    with pytest.raises(ImportProblem) as caught:
        csv_import.import_applications_csv(path)
    problem = caught.value
    assert "1500 of 1501 rows in bad.csv cannot be imported" in problem.message
    assert sum(r.status == "rejected" for r in problem.rows) == csv_report.LISTED_ROWS
    assert problem.unlisted == 500
    store.close()
    assert command_line.main(["--data-dir", str(store.paths.root), "import", str(path)]) == 1
    assert "     … and 500 more rejected rows." in capsys.readouterr().err


def test_reading_needs_no_database_so_a_worker_thread_may_do_it(tmp_path):
    path = write(tmp_path / "apps.csv", "Company,Role,Status\nA,B,Offer\nC,,x\n")
    found: list = []
    seen: list[tuple[int, int]] = []
    # A new thread has no database connection: any query there would fail.
    worker = threading.Thread(target=lambda: found.append(
        plan_csv(path, progress=lambda done, total: seen.append((done, total)), every=1)))
    worker.start()
    worker.join()
    (plan,) = found
    assert [valid.number for valid in plan.valid] == [2] and plan.rejected == 1
    assert seen == [(1, 2), (2, 2)]


def test_new_rows_are_written_as_the_editor_saves_them(store, tmp_path):
    path = write(tmp_path / "apps.csv",
                 "Company,Role,Status,Date applied,Link,Agency,Recruiter,Email,Notes,Salary\n"
                 " Lumen , Data Engineer ,Interviewing,14/03/2026,lumen.example/jobs/1,"
                 "Brightpath,Hannah Okafor,hannah@brightpath.example, note ,  80k \n")
    apply_csv_plan(plan_csv(path))
    (imported,) = Application.select()
    copy = loading.load(imported.id)
    copy.id = None  # the same data saved by the editor, as a new application
    saved_id = saving.save(copy)
    saved = Application.get_by_id(saved_id)
    fields = ("company", "role", "posting_url", "channel", "agency_name", "recruiter_name",
              "recruiter_email", "contact_name", "contact_email", "stage", "salary_notes",
              "notes", "applied_on")
    assert [getattr(imported, f) for f in fields] == [getattr(saved, f) for f in fields]
    assert imported.company == "Lumen" and imported.salary_notes == "  80k "
    (change,) = StageChange.select().where(StageChange.application == imported.id)
    assert (change.from_stage, change.to_stage) == (None, "interviewing")
