"""CSV files of applications: writing them safely and reading what spreadsheets produce.

* :func:`export_applications_csv` writes every application with a header row,
  UTF-8 with a byte-order mark (so spreadsheets detect the encoding), each cell
  that a spreadsheet would run as a formula neutralised with a leading ``'``.
* :func:`read_table` turns the bytes of a CSV file into rows of cells,
  whatever the spreadsheet chose: a byte-order mark or none, UTF-8 or an older
  Windows or Latin-1 encoding (it says which it used), ``,`` ``;`` or tab
  separators, and quoted cells spanning several lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from services.atomic import write_bytes_atomic

#: Characters that make a spreadsheet read a cell as a formula (or a command).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Largest CSV file read, in bytes.
MAX_CSV_BYTES = 64 * 1024 * 1024

#: Separators a CSV file from a spreadsheet may use.
DELIMITERS = (",", ";", "\t")

_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs"}


class CsvFileError(Exception):
    """The file cannot be read as CSV at all; ``message`` says why in a sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def neutralise(cell: str) -> str:
    """``cell`` made safe for a spreadsheet: a leading ``'`` when it would start a formula.

    A cell that already starts with quotes before such a character gets one
    more, so :func:`restore_cell` gives back exactly the original text.
    """
    if cell.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def restore_cell(cell: str) -> str:
    """The original text of a cell written by :func:`neutralise`."""
    if cell.startswith("'") and cell[1:].lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write ``header`` and ``rows`` (neutralised) to ``path`` atomically, UTF-8 with a BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    write_bytes_atomic(Path(path), buffer.getvalue().encode("utf-8-sig"))


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvTable:
    """The records of a CSV file (header first) and how the file was read."""

    records: list[list[str]]
    encoding: str
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        """The separator in words ("semicolons")."""
        return _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was read with.

    UTF-16 with a byte-order mark, then UTF-8 (with or without a BOM), then
    Windows-1252, then Latin-1 (which reads any byte).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8-sig")
        return text, "UTF-8" + (" with a byte-order mark" if data.startswith(codecs.BOM_UTF8)
                                else "")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (ISO 8859-1)"


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0].rstrip("\r")


def _columns(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter)))
    except (csv.Error, StopIteration):
        return 0


def detect_delimiter(text: str) -> str:
    """The separator of a CSV text: what ``csv.Sniffer`` finds, checked against the header.

    When the sniffer fails, or its choice splits the header row into fewer
    columns than another separator does, the separator that splits the header
    row into the most columns wins (a comma when none splits it).
    """
    sample = text[:64 * 1024]
    header = _first_line(sample)
    split = {d: _columns(header, d) for d in DELIMITERS}
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    best = max(DELIMITERS, key=lambda d: split[d])
    if sniffed in split and split[sniffed] >= split[best]:
        return sniffed
    return best if split[best] > 1 else ","


def read_table(data: bytes, name: str = "The file") -> CsvTable:
    """Decode and parse CSV bytes; raise :class:`CsvFileError` when they are not CSV text."""
    if len(data) > MAX_CSV_BYTES:
        raise CsvFileError(
            f"{name} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB, which is more than a "
            "list of applications can be; check that it is the right file."
        )
    if data.startswith(b"PK\x03\x04"):
        raise CsvFileError(
            f"{name} is a spreadsheet workbook (such as .xlsx), not a CSV file. In your "
            "spreadsheet, choose File → Save as (or Download) → CSV, and import that file."
        )
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise CsvFileError(
            f"{name} contains NUL bytes, so it is not a plain CSV text file. Save it from "
            "your spreadsheet as “CSV (UTF-8)” and import that file."
        )
    delimiter = detect_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise CsvFileError(f"{name} cannot be read as CSV ({exc}). Save it from your "
                           "spreadsheet as CSV again and import that file.") from None
    return CsvTable(records, encoding, delimiter)
