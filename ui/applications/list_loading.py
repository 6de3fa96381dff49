"""Reading the application list off the UI thread: every row, or a search's first rows.

The list paints with its first screenful; :class:`ListLoading` reads the
rest. A search typed before then is answered from the list keys kept in the
database (:meth:`ApplicationIndex.load_matches`: the first matching rows and
how many match, in milliseconds even at 100,000 applications), and only then
is everything read (:meth:`load_all`), so the first answer never waits for
the whole list. Keys missing since the last change are filled first
(:mod:`services.applications.list_keys`); when they cannot be (a read-only
folder), the search waits for the whole list as it always could.

The view (:class:`ui.applications.list_view.ApplicationsView`) owns one and
calls :meth:`search`, :meth:`load_all` and :meth:`fill_keys_later`.
"""

from __future__ import annotations

import logging
import sqlite3

from PySide6.QtCore import QTimer

from services.applications.index import ApplicationIndex
from services.applications.list_keys import connect_for_filling, fill_missing
from services.core.paths import DataPaths, read_only_uri
from services.core.snapshot import connect_for_reading
from ui.shell.tasks import run_in_background

log = logging.getLogger(__name__)

#: After the first paint, missing list keys are filled this much later (after an upgrade,
#: every application's: about 0.15 s of a worker at 10,000).
FILL_KEYS_AFTER_MS = 1_500


def fill_keys(paths: DataPaths) -> bool:
    """Fill every missing list key; False when the data cannot be written (read-only)."""
    if read_only_uri(paths) is not None:
        return False
    try:
        con = connect_for_filling(paths)
    except sqlite3.Error:
        return False
    try:
        filled = fill_missing(con)
    except sqlite3.Error as exc:
        log.info("list keys not filled: %s", exc)
        return False
    finally:
        con.close()
    if filled:
        log.info("list keys filled for %d applications", filled)
    return True


def _matches(paths: DataPaths, now, text: str, stage: str | None,
             limit: int) -> ApplicationIndex | None:
    """The search's answer from the kept keys, filling missing ones first; None when it
    cannot be answered so."""
    con = connect_for_reading(paths)
    try:
        answer = ApplicationIndex.load_matches(con, now, text, stage, limit)
        if answer is not None or not fill_keys(paths):
            return answer
        return ApplicationIndex.load_matches(con, now, text, stage, limit)
    finally:
        con.close()


class ListLoading:
    """Reads every row (:meth:`load_all`) or a search's first rows (:meth:`search`) on
    workers, and hands them to the view."""

    def __init__(self, view) -> None:
        self.view = view
        #: True while every row is being read.
        self.loading = False
        self._searching = False
        self._wanted: tuple[str, str | None] | None = None

    def load_all(self) -> None:
        """Read every application on a worker, then show them (filter and sort are kept)."""
        self.loading = True
        paths, now = self.view.paths, self.view.now()

        def work() -> ApplicationIndex:
            con = connect_for_reading(paths)
            try:
                return ApplicationIndex.load(con, now)
            finally:
                con.close()

        run_in_background(work, self._loaded, self._load_failed)

    def _loaded(self, index: ApplicationIndex) -> None:
        self.loading = False
        self.view.show_everything(index)

    def _load_failed(self, exc: BaseException) -> None:
        self.loading = False
        log.error("loading the application list failed", exc_info=exc)
        self.view.count_label.setText("Could not load every application; see the log.")

    def search(self, text: str, stage: str | None) -> None:
        """Answer a search from the kept keys on a worker; then read everything. While one
        search is being answered, only the latest one typed meanwhile is answered next."""
        self._wanted = (text, stage)
        if not self._searching:
            self._next_search()

    def _next_search(self) -> None:
        wanted, self._wanted = self._wanted, None
        if wanted is None or self.view.model.index_data.complete:
            self._searching = False
            return
        self._searching = True
        text, stage = wanted
        paths, now, limit = self.view.paths, self.view.now(), self.view.first_rows()
        run_in_background(lambda: _matches(paths, now, text, stage, limit),
                          lambda answer: self._answered(answer, wanted), self._search_failed)

    def _answered(self, answer: ApplicationIndex | None, asked: tuple[str, str | None]) -> None:
        shown = self.view.model.index_data
        # Shown unless a newer search waits, every row is read, or the list was sorted
        # meanwhile (the answer is in the default order).
        if self._wanted is None and not shown.complete and (
                shown.sort_column, shown.descending) == ("stage", False):
            if answer is None:
                self.view.filter_rows_at_hand(*asked)
            else:
                self.view.show_answer(answer)
        self._next_search()
        self.view.ensure_complete()

    def _search_failed(self, exc: BaseException) -> None:
        log.warning("a search could not be answered from the list keys", exc_info=exc)
        self._searching = False
        self.view.ensure_complete()

    def fill_keys_later(self) -> None:
        """Fill missing list keys on a worker, a moment after the first paint."""
        paths = self.view.paths
        # Timed on the view: a view gone by then fills nothing.
        QTimer.singleShot(FILL_KEYS_AFTER_MS, self.view, lambda: run_in_background(
            lambda: fill_keys(paths), lambda _done: None))
