"""The reminders a pass listed, read from the database only when shown: :class:`ReminderRows`.

A long search can have thousands of reminders outstanding (2,096 in the bench's 10,000
applications). Kept as items, with their texts, they held 3.5 MB in the window for a panel
that shows a few rows at a time. So the pass (:mod:`services.reminders.pass_process`)
answers with their ids, in the panel's order, and :class:`ReminderRows` reads the items
:data:`CHUNK` at a time through a plain read-only connection when a row is first needed,
keeping the last :data:`KEPT_CHUNKS` chunks. No ORM is loaded.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence

from services.core.paths import DataPaths
from services.core.snapshot import connect_for_reading
from services.reminders.items import ITEM_COLUMNS, ReminderItem, items_from_rows
from services.reminders.table import marks

__all__ = ["CHUNK", "KEPT_CHUNKS", "ReminderRows", "ids_of"]

#: How many items one read brings.
CHUNK = 64
#: How many chunks are kept read (the rows on screen and around them).
KEPT_CHUNKS = 4


class ReminderRows(Sequence):
    """The reminders with ``ids`` (in that order) in the data of ``paths``, each read when
    first asked for. A reminder removed since the pass (rare: the window asks for a new
    pass after every change) reads as None, and iterating leaves it out."""

    def __init__(self, paths: DataPaths, ids: Iterable[int]) -> None:
        self.paths = paths
        self.ids = array("q", ids)
        self._chunks: OrderedDict[int, list[ReminderItem | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [item for position in range(*index.indices(len(self.ids)))
                    if (item := self._item(position)) is not None]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError("reminder row out of range")
        return self._item(index)

    def __iter__(self) -> Iterator[ReminderItem]:
        for position in range(len(self.ids)):
            item = self._item(position)
            if item is not None:
                yield item

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReminderRows):
            return self.paths == other.paths and self.ids == other.ids
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  (a mutable cache inside; never a dict key)

    def _item(self, position: int) -> ReminderItem | None:
        number = position // CHUNK
        chunk = self._chunks.get(number)
        if chunk is None:
            chunk = self._read(self.ids[number * CHUNK:(number + 1) * CHUNK])
            self._chunks[number] = chunk
            while len(self._chunks) > KEPT_CHUNKS:
                self._chunks.popitem(last=False)
        else:
            self._chunks.move_to_end(number)
        return chunk[position % CHUNK]

    def _read(self, ids: Sequence[int]) -> list[ReminderItem | None]:
        """The items of ``ids``, in that order (None for one no longer there, or for all
        when the data cannot be read)."""
        try:
            con = connect_for_reading(self.paths)
        except sqlite3.Error:
            return [None] * len(ids)
        try:
            rows = con.execute(f"SELECT {ITEM_COLUMNS} FROM reminder WHERE id IN "
                               f"({marks(ids)})", list(ids)).fetchall()
            found = {item.id: item for item in items_from_rows(rows, con.execute)}
        except sqlite3.Error:
            found = {}
        finally:
            con.close()
        return [found.get(reminder_id) for reminder_id in ids]


def ids_of(items: Sequence) -> list[int]:
    """The ids of ``items`` (a :class:`ReminderRows` or a list of items), in order."""
    if isinstance(items, ReminderRows):
        return list(items.ids)
    return [item.id for item in items]
