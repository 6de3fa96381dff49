"""CSV files: writing them safely for spreadsheets and reading what spreadsheets produce.

* :func:`write_csv` writes a header row and the rows atomically, UTF-8 with a
  byte-order mark (so spreadsheets detect the encoding), each cell that a
  spreadsheet would run as a formula neutralised with a leading ``'``
  (:func:`neutralise`; :func:`restore_cell` gives back the original text).
* :func:`open_csv` checks a CSV file and :meth:`CsvSource.records` reads its
  rows one at a time, whatever the spreadsheet chose: a byte-order mark or
  none, UTF-8 or an older Windows or Latin-1 encoding (it says which it used),
  ``,`` ``;`` or tab separators, and quoted cells spanning several lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.core.atomic import write_bytes_atomic

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


#: Bytes read at a time while a file's encoding is checked.
_CHUNK = 1 << 20
#: Characters of the file's start the separator is detected from.
_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class CsvSource:
    """A CSV file whose encoding and separator are known; :meth:`records` reads its rows
    one at a time (the file is never held in memory as a whole)."""

    path: Path
    encoding: str
    codec: str
    delimiter: str
    name: str = "The file"

    @property
    def delimiter_name(self) -> str:
        """The separator in words ("semicolons")."""
        return _DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    def records(self) -> Iterator[list[str]]:
        """The records, header first, read from the file as they are asked for.

        Raises :class:`CsvFileError` when a record cannot be parsed (or the
        file changed since it was checked).
        """
        try:
            with open(self.path, encoding=self.codec, newline="") as handle:
                yield from csv.reader(handle, delimiter=self.delimiter)
        except csv.Error as exc:
            raise CsvFileError(f"{self.name} cannot be read as CSV ({exc}). Save it from your "
                               "spreadsheet as CSV again and import that file.") from None
        except (UnicodeDecodeError, OSError) as exc:
            raise CsvFileError(f"{self.name} could not be read to the end ({exc}); it may have "
                               "changed while it was imported. Import it again.") from None


def _decoded_sample(path: Path, codec: str, name: str) -> str | None:
    """The start of the file's text when the whole file decodes with ``codec``, else None.

    Reads the file in chunks; raises :class:`CsvFileError` at the first NUL character.
    """
    decoder = codecs.getincrementaldecoder(codec)()
    sample: list[str] = []
    kept = 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return None
            if "\x00" in text:
                raise CsvFileError(
                    f"{name} contains NUL bytes, so it is not a plain CSV text file. Save it "
                    "from your spreadsheet as “CSV (UTF-8)” and import that file."
                )
            if kept < _SAMPLE:
                sample.append(text[:_SAMPLE - kept])
                kept += len(sample[-1])
            if not chunk:
                return "".join(sample)


def _encoding(path: Path, head: bytes, name: str) -> tuple[str, str, str]:
    """The codec, its name for the user and the start of the text.

    UTF-16 with a byte-order mark, then UTF-8 (with or without a BOM), then
    Windows-1252, then Latin-1 (which reads any byte).
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        sample = _decoded_sample(path, "utf-16", name)
        if sample is not None:
            return "utf-16", "UTF-16", sample
    sample = _decoded_sample(path, "utf-8-sig", name)
    if sample is not None:
        bom = " with a byte-order mark" if head.startswith(codecs.BOM_UTF8) else ""
        return "utf-8-sig", "UTF-8" + bom, sample
    sample = _decoded_sample(path, "cp1252", name)
    if sample is not None:
        return "cp1252", "Windows-1252", sample
    return "latin-1", "Latin-1 (ISO 8859-1)", _decoded_sample(path, "latin-1", name) or ""


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


def open_csv(path: Path, name: str | None = None) -> CsvSource:
    """Check a CSV file (size, kind, encoding, separator) without holding it in memory.

    Raises :class:`CsvFileError` when it is not CSV text, and ``OSError`` when it
    cannot be read. ``name`` is how sentences call the file (default: its name).
    """
    path = Path(path)
    name = name or path.name
    if path.stat().st_size > MAX_CSV_BYTES:
        raise CsvFileError(
            f"{name} is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB, which is more than a "
            "list of applications can be; check that it is the right file."
        )
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        raise CsvFileError(
            f"{name} is a spreadsheet workbook (such as .xlsx), not a CSV file. In your "
            "spreadsheet, choose File → Save as (or Download) → CSV, and import that file."
        )
    codec, encoding, sample = _encoding(path, head, name)
    return CsvSource(path, encoding, codec, detect_delimiter(sample), name)
