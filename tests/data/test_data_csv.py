"""CSV of applications: safe export, spreadsheet imports, per-row reports, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from models.application import Application, StageChange
from models.values import Stage
from services.applications import editor_data, saving
from services.data import csv_cells, csv_export, csv_import, csv_report, csv_rows
from services.data import csv_files as csv_io
from services.data.json_import import ImportProblem
from tests.conftest import FIXTURES


def _apps() -> list[Application]:
    return list(Application.select().order_by(Application.id))


def _fields(app: Application) -> tuple:
    return (app.uid, app.company, app.role, app.stage, app.applied_on, app.posting_url,
            app.channel, app.agency_name, app.recruiter_name, app.recruiter_email,
            app.contact_name, app.contact_email, app.salary_notes, app.notes)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


# -- cells and formulas --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+2", "+49 30 1234", "-5%", "@SUM(A1)", "\tx", "\rx",
                                  "'=already", "''@twice"])
def test_formula_cells_are_neutralised_and_restored(cell):
    safe = csv_io.neutralise(cell)
    assert safe.startswith("'")
    assert not safe.startswith(csv_io.FORMULA_STARTS)
    assert csv_io.restore_cell(safe) == cell


@pytest.mark.parametrize("cell", ["", "Lumen", "'quoted", "a=b", "50%"])
def test_ordinary_cells_are_left_alone(cell):
    assert csv_io.neutralise(cell) == cell
    assert csv_io.restore_cell(cell) == cell


# -- export --------------------------------------------------------------------------------------


def test_export_has_a_header_and_every_application(demo_store, tmp_path):
    target = tmp_path / "out" / "applications.csv"
    count = csv_export.export_applications_csv(target)

    assert count == 12
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets read UTF-8
    rows = _read_csv(target)
    assert rows[0] == [header for header, _ in csv_export.EXPORT_COLUMNS]
    assert len(rows) == 13
    by_company = {row[0]: row for row in rows[1:]}
    assert by_company["Lumen Analytics"][2] == "Awaiting response"
    assert not list(target.parent.glob(".*.tmp"))  # written atomically, nothing left behind


def test_export_neutralises_formulas(store, tmp_path):
    saving.save(editor_data.ApplicationData(
        company="=HYPERLINK(\"http://evil.example\",\"click\")", role="@admin",
        notes="-1 is not a formula", salary_notes="+10%"))
    target = tmp_path / "apps.csv"
    csv_export.export_applications_csv(target)
    row = _read_csv(target)[1]
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert row[0].startswith("'=HYPERLINK")
    assert row[1] == "'@admin"


def test_csv_round_trip_gives_the_same_applications(demo_store, tmp_path, data_paths):
    saving.save(editor_data.ApplicationData(
        company="Tricky, \"Quotes\" & Co", role="=Engineer", notes="line 1\nline 2\r\n-line 3",
        salary_notes="@home", stage=Stage.NO_RESPONSE.value, applied_on=date(2026, 2, 28)))
    before = [_fields(app) for app in _apps()]
    target = tmp_path / "apps.csv"
    csv_export.export_applications_csv(target)
    # Empty the data, then import the file back.
    Application.delete().execute()

    result = csv_import.import_applications_csv(target)

    assert result.count(csv_report.IMPORTED) == len(before)
    assert result.count(csv_report.REJECTED) == 0
    after = [_fields(app) for app in _apps()]
    assert sorted(after) == sorted(before)


def test_reimporting_an_export_updates_instead_of_doubling(demo_store, tmp_path):
    target = tmp_path / "apps.csv"
    csv_export.export_applications_csv(target)
    lumen = Application.get(Application.company == "Lumen Analytics")
    rounds_before = lumen.rounds.count()
    rows = _read_csv(target)
    for row in rows[1:]:
        if row[0] == "Lumen Analytics":
            row[2] = "Offer received"
            row[12] = "Updated from a spreadsheet"
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8")

    result = csv_import.import_applications_csv(target, paths=demo_store.paths)

    assert result.count(csv_report.UPDATED) == 12
    assert result.count(csv_report.IMPORTED) == 0
    assert Application.select().count() == 12
    lumen = Application.get_by_id(lumen.id)
    assert lumen.stage == Stage.OFFER.value
    assert lumen.notes == "Updated from a spreadsheet"
    assert lumen.rounds.count() == rounds_before  # the rounds were kept
    assert result.backup is not None and result.backup.exists()


# -- spreadsheets --------------------------------------------------------------------------------


def test_excel_semicolons_in_windows_1252(store):
    result = csv_import.import_applications_csv(FIXTURES / "excel_semicolon_cp1252.csv")
    assert result.encoding == "Windows-1252"
    assert result.delimiter == ";"
    apps = {app.company: app for app in _apps()}
    cafe = apps["Café Núñez"]
    assert cafe.role == "Backend Developer"
    assert cafe.stage == Stage.INTERVIEWING.value
    assert cafe.applied_on == date(2026, 11, 3)
    assert cafe.posting_url == "https://www.cafe-nunez.example/jobs/7"
    assert cafe.notes == "Gehalt €65k – 70k"
    assert cafe.contact_name == "Jürgen Weiß"
    assert apps["Müller & Söhne"].stage == Stage.OFFER.value
    assert apps["Müller & Söhne"].notes == "Offer, deadline Friday"
    assert apps["Lumen Analytics"].stage == Stage.REJECTED.value
    # Each import records the first stage in the history.
    assert StageChange.select().count() == 3


def test_google_sheets_quoted_newlines_and_formula_text(store):
    result = csv_import.import_applications_csv(FIXTURES / "google_sheets.csv")
    assert (result.encoding, result.delimiter) == ("UTF-8", ",")
    apps = {app.company: app for app in _apps()}
    orbit = apps["Orbit Health"]
    assert orbit.notes == ('Second round went well.\nThey said: "HR will contact you about next '
                           'steps".\nFollow up on the 12th.')
    assert (orbit.contact_name, orbit.contact_email) == ("Mira Hoffmann", "mira@orbit.example")
    assert orbit.stage == Stage.AWAITING_RESPONSE.value
    assert apps["Northwind Logistics"].stage == Stage.NO_RESPONSE.value
    kite = apps["Kite Robotics"]
    assert kite.stage == Stage.APPLIED.value  # empty status: the default
    assert kite.notes == '=HYPERLINK("http://evil.example")'  # kept as text, never run


def test_tab_separated_with_a_bom(store):
    result = csv_import.import_applications_csv(FIXTURES / "tab_separated_bom.tsv")
    assert result.delimiter == "\t"
    assert "byte-order mark" in result.encoding
    apps = {app.company: app for app in _apps()}
    assert apps["日本ソフト株式会社"].notes == "リモート可"
    assert apps["Zeta Bank"].stage == Stage.WITHDRAWN.value


def test_us_dates_are_read_month_first_when_the_column_shows_it(store):
    result = csv_import.import_applications_csv(FIXTURES / "us_dates.csv")
    assert any("month/day/year" in note for note in result.notes)
    apps = {app.company: app for app in _apps()}
    assert apps["Acme"].applied_on == date(2026, 11, 23)
    assert apps["Globex"].applied_on == date(2026, 11, 5)
    assert apps["Globex"].stage == Stage.INTERVIEWING.value


def test_ambiguous_slashed_dates_are_read_day_first_and_reported(store, tmp_path):
    path = _write(tmp_path, "a.csv", "Company,Role,Date\nA,B,03/04/2026\n")
    result = csv_import.import_applications_csv(path)
    assert _apps()[0].applied_on == date(2026, 4, 3)
    assert any("day/month/year" in note for note in result.notes)


def test_latin_1_bytes_that_are_not_windows_1252(store, tmp_path):
    # 0x81 is undefined in Windows-1252: only Latin-1 reads it.
    path = tmp_path / "latin.csv"
    path.write_bytes("Company,Role,Notes\nCaf\xe9,Dev,x\x81y\n".encode("latin-1"))
    result = csv_import.import_applications_csv(path)
    assert result.encoding.startswith("Latin-1")
    assert _apps()[0].company == "Café"


def test_utf_16_with_a_bom(store, tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Company\tRole\nÆble\tBaker\n".encode("utf-16"))
    result = csv_import.import_applications_csv(path)
    assert result.encoding == "UTF-16"
    assert _apps()[0].company == "Æble"


@pytest.mark.parametrize("header, field", [
    ("Company", "company"), ("  COMPANY NAME ", "company"), ("Employer", "company"),
    ("Job Title", "role"), ("position", "role"), ("Title", "role"), ("role", "role"),
    ("Status", "stage"), ("Stage", "stage"), ("Application status", "stage"),
    ("Date Applied", "applied_on"), ("applied", "applied_on"), ("Applied on", "applied_on"),
    ("Date", "applied_on"), ("URL", "posting_url"), ("Link", "posting_url"),
    ("Posting", "posting_url"), ("Notes", "notes"), ("Contact", "contact_name"),
    ("Recruiter", "person"), ("date_applied", "applied_on"), ("Job-Title", "role"),
])
def test_header_mapping_ignores_case_spaces_and_punctuation(header, field):
    mapping, unused = csv_rows.map_headers([header])
    assert mapping == {0: field}
    assert unused == []


def test_unknown_headers_are_reported_and_duplicates_ignored():
    mapping, unused = csv_rows.map_headers(["Company", "Title", "Position", "Shoe size"])
    assert mapping == {0: "company", 1: "role"}
    assert unused == ["Position", "Shoe size"]


@pytest.mark.parametrize("text, stage", [
    ("Interviewing", Stage.INTERVIEWING), ("Phone screen", Stage.INTERVIEWING),
    ("Interview scheduled", Stage.INTERVIEWING), ("Offer received", Stage.OFFER),
    ("Offer", Stage.OFFER), ("Offer accepted", Stage.ACCEPTED), ("Hired!", Stage.ACCEPTED),
    ("Offer declined", Stage.DECLINED), ("Rejected", Stage.REJECTED),
    ("rejected after interview", Stage.REJECTED), ("Not selected", Stage.REJECTED),
    ("Withdrew", Stage.WITHDRAWN), ("Ghosted", Stage.NO_RESPONSE),
    ("No response", Stage.NO_RESPONSE), ("Awaiting response", Stage.AWAITING_RESPONSE),
    ("Waiting to hear back", Stage.AWAITING_RESPONSE), ("Pending", Stage.AWAITING_RESPONSE),
    ("Applied", Stage.APPLIED), ("submitted", Stage.APPLIED), ("", Stage.APPLIED),
    ("awaiting_response", Stage.AWAITING_RESPONSE),
])
def test_free_text_stages(text, stage):
    assert csv_cells.stage_from_text(text) == (stage, None)


def test_unknown_stage_becomes_applied_and_is_reported(store, tmp_path):
    path = _write(tmp_path, "s.csv", "Company,Role,Status\nA,B,Thinking about it\n")
    result = csv_import.import_applications_csv(path)
    assert _apps()[0].stage == Stage.APPLIED.value
    assert "Thinking about it" in result.rows[0].message
    assert "Applied" in result.rows[0].message


@pytest.mark.parametrize("text, expected", [
    ("2026-03-14", date(2026, 3, 14)), ("2026-03-14T09:30:00", date(2026, 3, 14)),
    ("2026-03-14 09:30", date(2026, 3, 14)), ("14.03.2026", date(2026, 3, 14)),
    ("14/03/2026", date(2026, 3, 14)), ("14 March 2026", date(2026, 3, 14)),
    ("March 14, 2026", date(2026, 3, 14)), ("14-Mar-26", date(2026, 3, 14)),
    ("2026/03/14", date(2026, 3, 14)), ("46095", date(2026, 3, 14)),
])
def test_dates_spreadsheets_write(text, expected):
    assert csv_cells.parse_day(text) == expected


@pytest.mark.parametrize("text", ["soon", "31.02.2026", "2026-13-01", "14 Foo 2026", "1"])
def test_unreadable_dates_raise_a_sentence(text):
    with pytest.raises(ValueError, match="not a date"):
        csv_cells.parse_day(text)


# -- reports, all or nothing ---------------------------------------------------------------------


def test_a_file_with_bad_rows_imports_nothing_and_reports_each_row(store):
    with pytest.raises(ImportProblem) as caught:
        csv_import.import_applications_csv(FIXTURES / "with_bad_rows.csv")
    problem = caught.value
    assert "3 of 6 rows" in problem.message
    assert "nothing was imported" in problem.message
    statuses = {report.row: report.status for report in problem.rows}
    assert statuses == {2: "imported", 3: "rejected", 4: "rejected", 5: "rejected",
                        6: "skipped", 7: "imported"}
    reasons = {report.row: report.message for report in problem.rows}
    assert "role is empty" in reasons[3]
    assert "next Tuesday" in reasons[4]
    assert reasons[5].startswith("Contact email:")
    assert Application.select().count() == 0


def test_valid_rows_only_imports_the_good_rows(store):
    result = csv_import.import_applications_csv(FIXTURES / "with_bad_rows.csv",
                                                valid_rows_only=True)
    assert [app.company for app in _apps()] == ["Good One", "Good Two"]
    assert result.count(csv_report.REJECTED) == 3
    assert result.count(csv_report.IMPORTED) == 2
    assert "3 rows rejected" in result.summary()


@pytest.mark.parametrize("content, words", [
    (b"", "empty"),
    (b"\n\n", "empty"),
    (b"Name,Age\nBob,3\n", "no column for the company"),
    (b"Company,Notes\nA,b\n", "role"),
    (b"PK\x03\x04rest-of-a-zip", "workbook"),
    (b"Company,Role\nA,\x00B\n", "NUL"),
])
def test_unusable_files_are_refused_with_a_sentence(store, tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportProblem) as caught:
        csv_import.import_applications_csv(path)
    assert words in caught.value.message
    assert caught.value.message.rstrip().endswith(".")
    assert Application.select().count() == 0


def test_a_huge_cell_is_refused(store, tmp_path):
    path = _write(tmp_path, "big.csv", "Company,Role,Notes\nA,B," + "x" * 200_000 + "\n")
    with pytest.raises(ImportProblem) as caught:
        csv_import.import_applications_csv(path)
    assert "nothing was imported" in caught.value.message.lower()
    assert Application.select().count() == 0


def test_a_row_with_extra_cells_is_rejected(store, tmp_path):
    path = _write(tmp_path, "x.csv", "Company,Role\nA,B,unexpected\nC,D\n")
    with pytest.raises(ImportProblem) as caught:
        csv_import.import_applications_csv(path)
    assert caught.value.rows[0].status == "rejected"
    assert "3 cells" in caught.value.rows[0].message


def test_agency_rows_put_the_recruiter_on_the_agency(store, tmp_path):
    path = _write(tmp_path, "a.csv",
                  "Company,Role,Agency,Recruiter,Email\n"
                  "Northwind,SRE,Brightpath,Hannah Okafor,hannah@brightpath.example\n"
                  "Acme,Dev,,Sam <sam@acme.example>,\n")
    csv_import.import_applications_csv(path)
    north, acme = _apps()
    assert north.channel == "agency"
    assert (north.agency_name, north.recruiter_name, north.recruiter_email) == (
        "Brightpath", "Hannah Okafor", "hannah@brightpath.example")
    assert acme.channel == "direct"
    assert (acme.contact_name, acme.contact_email) == ("Sam", "sam@acme.example")


def test_a_failed_write_saves_no_row(store, tmp_path):
    from models.base import database_proxy

    rows = "".join(f"Company {n},Role {n},{'a long note ' * 40}\n" for n in range(300))
    path = _write(tmp_path, "ok.csv", "Company,Role,Notes\n" + rows)
    # The database may not grow: the write fails midway with SQLITE_FULL, as on a full disk.
    pages = database_proxy.execute_sql("PRAGMA page_count").fetchone()[0]
    database_proxy.execute_sql(f"PRAGMA max_page_count = {pages + 20}")
    try:
        with pytest.raises(ImportProblem) as caught:
            csv_import.import_applications_csv(path)
    finally:
        database_proxy.execute_sql("PRAGMA max_page_count = 1073741823")
    assert "disk is full" in caught.value.message
    assert Application.select().count() == 0


def test_delimiter_detection_prefers_what_splits_the_header():
    assert csv_io.detect_delimiter("Company;Role;Notes\nA;B;one, two, three, four\n") == ";"
    assert csv_io.detect_delimiter("Company,Role\nA,B\n") == ","
    assert csv_io.detect_delimiter("Company\tRole\nA\tB\n") == "\t"
    assert csv_io.detect_delimiter("Company\nA\n") == ","
