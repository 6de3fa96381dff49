"""Import figures that bad input used to make slow (``make bench``, suite ``imports``).

``ics_unfold_800k_lines_s``
    :func:`services.calendar.invitations.parse_invitations` on an invitation whose description is
    folded over 800,000 continuation lines (about 10 MB). The unfolding used to copy the
    growing line at every continuation (7.8 s here). Median. Limit 2 s.

``ics_parse_8mb_s``
    The same on 8 MB of one-character continuation lines of a link that repeats
    "https://" (2 million lines; 144 s before). Median. Limit 3 s.

``csv_import_100k_s``
    :func:`services.data.csv_import.import_applications_csv` of 100,000 valid rows (eight
    columns a spreadsheet export has) into an empty data folder: reading, checking every
    row with the editor's rules and writing them in one transaction (127 s before).
    Median. Limit 10 s.

``csv_import_1m_blank_peak_mb``
    The peak of Python's allocations (tracemalloc) while a file with a header, two rows
    and 1,000,000 blank lines is imported (864 MB before). Limit 16 MB.

Run alone: ``python benchmarks/imports_bench.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.harness import Figure  # noqa: E402

ICS_UNFOLD_LIMIT_S = 2
ICS_PARSE_8MB_LIMIT_S = 3
CSV_100K_LIMIT_S = 10
CSV_BLANK_PEAK_LIMIT_MB = 16

_HEAD = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Bench//EN\r\nBEGIN:VEVENT\r\n"
         "UID:bench@example.com\r\nDTSTART:20261210T140000Z\r\nSUMMARY:Interview\r\n")
_TAIL = "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


def folded_invitation(lines: int, piece: str, prop: str = "DESCRIPTION:start") -> bytes:
    """An invitation with one property folded over ``lines`` continuation lines."""
    return (_HEAD + prop + "\r\n" + "\r\n".join(" " + piece for _ in range(lines))
            + _TAIL).encode("utf-8")


def _median_seconds(work, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def ics_figures(runs: int) -> list[Figure]:
    """``ics_unfold_800k_lines_s`` and ``ics_parse_8mb_s``."""
    from services.calendar.invitations import parse_invitations

    unfold = folded_invitation(800_000, "abcdefghij")
    links = folded_invitation(2_000_000, "h", prop="LOCATION:https://")

    def parse(data: bytes) -> None:
        (event,) = parse_invitations(data, user_zone="Europe/Berlin").events
        if not event.description and not event.location:
            raise RuntimeError("the folded property was lost")

    return [
        Figure("ics_unfold_800k_lines_s", _median_seconds(lambda: parse(unfold), runs), "s",
               limit=ICS_UNFOLD_LIMIT_S),
        Figure("ics_parse_8mb_s", _median_seconds(lambda: parse(links), runs), "s",
               limit=ICS_PARSE_8MB_LIMIT_S),
    ]


def write_rows(path: Path, rows: int) -> None:
    """A spreadsheet export of ``rows`` valid applications."""
    lines = ["Company,Role,Status,Date applied,Link,Contact,Email,Notes"]
    lines += [f"Company {n % 997} GmbH,Engineer {n},Interviewing,14/03/2026,"
              f"https://jobs.example/{n},Mira Hoffmann,mira{n}@lumen.example,note {n}"
              for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _import_into_fresh_folder(folder: Path, csv_file: Path, peak: bool = False) -> float:
    """Seconds (or the tracemalloc peak in MB) of importing ``csv_file`` into a new folder."""
    from services.core.paths import DataPaths
    from services.core.store import open_store
    from services.data.csv_import import import_applications_csv

    store = open_store(DataPaths(folder))
    try:
        if peak:
            tracemalloc.start()
            import_applications_csv(csv_file)
            value = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
            return value
        started = time.perf_counter()
        result = import_applications_csv(csv_file)
        value = time.perf_counter() - started
        if result.count("imported") == 0:
            raise RuntimeError("nothing was imported")
        return value
    finally:
        store.close()


def csv_figures(runs: int) -> list[Figure]:
    """``csv_import_100k_s`` and ``csv_import_1m_blank_peak_mb``."""
    with tempfile.TemporaryDirectory(prefix="nextsteps-imports-") as tmp:
        root = Path(tmp)
        rows = root / "rows.csv"
        write_rows(rows, 100_000)
        timings = [_import_into_fresh_folder(root / f"rows-{n}", rows) for n in range(runs)]
        blank = root / "blank.csv"
        blank.write_text("Company,Role\nA,B\n" + "\n" * 1_000_000 + "C,D\n", encoding="utf-8")
        peak = _import_into_fresh_folder(root / "blank", blank, peak=True)
    print(f"  csv: 100k rows in {', '.join(f'{t:.1f}' for t in timings)} s; "
          f"1M blank lines peak {peak:.1f} MB", file=sys.stderr, flush=True)
    return [
        Figure("csv_import_100k_s", statistics.median(timings), "s", limit=CSV_100K_LIMIT_S),
        Figure("csv_import_1m_blank_peak_mb", peak, "MB", limit=CSV_BLANK_PEAK_LIMIT_MB),
    ]


def figures(runs: int) -> list[Figure]:
    """Every figure of this suite (at most three runs of each timing)."""
    runs = max(1, min(runs, 3))
    return ics_figures(runs) + csv_figures(runs)


if __name__ == "__main__":
    for figure in figures(3):
        print(f"{figure.name}: {figure.value:.2f} {figure.unit} (limit {figure.limit}) "
              f"{figure.verdict}")
