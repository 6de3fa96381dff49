"""Generated bad files never crash an import and never leave half of one behind.

JSON: a real export with random damage (wrong types, missing or unknown
fields, huge fields, lone surrogates, NUL characters, duplicate or dangling
identifiers, broken bytes). CSV: random headers, cells, separators and
encodings. Each import either succeeds whole or raises ImportProblem with
every table exactly as it was before.
"""

from __future__ import annotations

import copy
import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.base import database_proxy
from services.data import csv_import, csv_report
from services.data import json_export as data_export
from services.data import json_import as data_import
from services.data.backup_format import TABLES

SETTINGS = settings(
    max_examples=70, deadline=None, database=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)


def dump() -> dict[str, list[tuple]]:
    result = {}
    for spec in TABLES:
        order = '"key"' if spec.table == "setting" else '"id"'
        result[spec.table] = [tuple(row) for row in database_proxy.execute_sql(
            f'SELECT * FROM "{spec.table}" ORDER BY {order}').fetchall()]
    return result


def assert_sound() -> None:
    assert database_proxy.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert database_proxy.execute_sql("PRAGMA quick_check").fetchone()[0] == "ok"


surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
nasty_text = st.one_of(
    st.text(max_size=30),
    st.text(st.one_of(st.characters(), surrogates), min_size=1, max_size=10),
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=5), st.text(max_size=5)),
    st.just("x" * 1_000_001),
    st.just("y" * 20_000),
    st.sampled_from(["", "2026-03-01", "2026-03-01T09:00:00", "2026-03-01T09:00:00+02:00",
                     "applied", "agency", "nonsense", "1e309", "NaN", "72000.50", "-0"]),
)
weird_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True), nasty_text,
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                         max_size=2),
)


@pytest.fixture
def exported(demo_store, tmp_path):
    path = tmp_path / "base.json"
    data_export.export_json(path)
    return json.loads(path.read_text(encoding="utf-8"))


def _damage(data, document: dict) -> tuple[dict | None, bytes | None]:
    """Apply 1–3 random changes; sometimes damage the bytes instead."""
    doc = copy.deepcopy(document)
    tables = doc["tables"]  # the same tables all along, even once a change replaced doc's
    for _ in range(data.draw(st.integers(1, 3), label="changes")):
        _change(data, doc, tables)
    raw = json.dumps(doc, allow_nan=True).encode("utf-8")
    if data.draw(st.integers(0, 9), label="byte damage") == 0:
        cut = data.draw(st.integers(0, len(raw)), label="cut")
        junk = data.draw(st.binary(max_size=8), label="junk")
        return None, raw[:cut] + junk + raw[cut:]
    return doc, raw


def _change(data, doc: dict, tables: dict) -> None:
    """One random change: to a header field, a whole table, a whole row, or a row's field."""
    action = data.draw(st.sampled_from(
        ["set", "set", "set", "delete", "add-field", "header", "row", "table", "uid"]),
        label="action")
    table = data.draw(st.sampled_from(sorted(tables)), label="table")
    rows = tables[table]
    if action == "header":
        key = data.draw(st.sampled_from(["format", "version", "schema_version", "tables",
                                         "exported_at"]), label="key")
        doc[key] = data.draw(weird_values, label="header value")
        return
    if action == "table":
        tables[table] = data.draw(weird_values, label="table value")
        return
    if not isinstance(rows, list) or not rows:
        return
    index = data.draw(st.integers(0, len(rows) - 1), label="row")
    row = rows[index]
    if action == "row":
        rows[index] = data.draw(weird_values, label="row value")
        return
    if isinstance(row, dict) and row:
        _change_field(data, action, rows, row)


def _change_field(data, action: str, rows: list, row: dict) -> None:
    """Set, delete, add or point elsewhere (``uid``) one field of ``row``."""
    field = data.draw(st.sampled_from(sorted(row)), label="field")
    if action == "set":
        row[field] = data.draw(weird_values, label="value")
    elif action == "delete":
        del row[field]
    elif action == "add-field":
        row[data.draw(st.text(min_size=1, max_size=8), label="new field")] = 1
    elif action == "uid":
        other = data.draw(st.sampled_from(rows), label="other row")
        if isinstance(other, dict) and "uid" in other:
            row[field] = other["uid"]  # a duplicate, or a reference to the wrong table


@SETTINGS
@given(data=st.data())
def test_generated_json_files_never_crash_or_half_import(exported, tmp_path, data):
    _doc, raw = _damage(data, exported)
    mode = data.draw(st.sampled_from(["merge", "replace"]), label="mode")
    path = tmp_path / "generated.json"
    path.write_bytes(raw)
    before = dump()
    try:
        data_import.import_backup(path, mode)
    except data_import.ImportProblem as problem:
        assert problem.message.endswith("Nothing was changed.")
        assert "Traceback" not in problem.message
        assert dump() == before
    assert_sound()


header_names = st.sampled_from([
    "Company", "company name", "Role", "Job Title", "Position", "Status", "Stage",
    "Date Applied", "Applied", "Date", "URL", "Link", "Notes", "Contact", "Recruiter",
    "Email", "Agency", "Applied through", "Salary", "Next Steps ID", "Shoe size", "",
])
cell_text = st.one_of(
    st.text(max_size=20),
    st.text(st.one_of(st.characters(), surrogates), max_size=6),
    st.sampled_from(["Interviewing", "Offer received", "ghosted", "2026-03-14", "14.03.2026",
                     "03/04/2026", "https://example.com/job", "www.example.com", "=1+1",
                     "'=1+1", "a@b.example", "not an email", "Staffing agency", "LinkedIn",
                     "\x00", "line\nbreak", "quote\"inside", "semi;colon", "tab\tcell",
                     "0123456789abcdef0123456789abcdef"]),
    st.just("z" * 150_000),
)


@SETTINGS
@given(data=st.data())
def test_generated_csv_files_never_crash_or_half_import(store, tmp_path, data):
    headers = data.draw(st.lists(header_names, min_size=1, max_size=7), label="headers")
    rows = data.draw(st.lists(st.lists(cell_text, max_size=9), max_size=6), label="rows")
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]), label="delimiter")
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "raw"]),
                         label="encoding")
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "raw":
        raw = data.draw(st.binary(max_size=200), label="raw bytes")
    elif encoding == "cp1252":
        raw = text.encode("cp1252", errors="replace")
    else:
        raw = text.encode(encoding, errors="surrogatepass")
    path = tmp_path / "generated.csv"
    path.write_bytes(raw)
    valid_only = data.draw(st.booleans(), label="valid rows only")
    before = dump()
    try:
        result = csv_import.import_applications_csv(path, valid_rows_only=valid_only)
    except data_import.ImportProblem as problem:
        assert problem.message.rstrip().endswith(".")
        assert dump() == before
    else:
        added = len(dump()["application"]) - len(before["application"])
        assert added == result.count(csv_report.IMPORTED)
        if not valid_only:
            assert result.count(csv_report.REJECTED) == 0
    assert_sound()
