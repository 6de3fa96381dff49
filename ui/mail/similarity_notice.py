"""The composer's similarity guard: the check, and a warning short enough to keep the
editor in view.

:class:`SimilarityCheck` is mixed into :class:`ui.mail.composer.ComposerView`: it compares
the notes of the company (:meth:`~SimilarityCheck.check_similarity`, a moment after each
change) and feeds :class:`SimilarityNotice`, the banner the composer shows.

Pairs that read alike are grouped by draft ("José's note reads like Priya's
(91 %) and Lukas's (88 %)"): each line takes the draft with the most look-alikes
not yet named, so 17 copies of one note make 16 lines, not 136. At most
:data:`MAX_LINES` lines of :data:`MAX_NAMES` names show; the rest is counted
("and 84 more pairs") and listed in full behind "Show all", in a box of its
own height. The shared passages of the draft on screen are highlighted in the
editor (:func:`highlight_shared`).
"""

from __future__ import annotations

import html
from collections.abc import Hashable, Sequence
from typing import NamedTuple

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui.mail.composer_drafts import EDITABLE_STATES
from ui.shell.labels import banner_label

#: Lines of look-alikes shown before "and N more pairs".
MAX_LINES = 5
#: Names per line before "and N others".
MAX_NAMES = 3
#: The background of a shared passage in the editor.
HIGHLIGHT = "#ffe08a"
_HEADING = "These notes read alike, and interviewers compare notes:"
_ADVICE = ("Add something personal to each: what you talked about with that person. "
           "The passages a note shares with others are highlighted in it.")


class Group(NamedTuple):
    """One draft and the drafts it reads like: ``(name, score)``, most alike first."""

    name: str
    alike: list[tuple[str, float]]


def group_pairs(pairs: Sequence, order: Sequence[Hashable] = ()) -> list[Group]:
    """The pairs grouped by draft, every pair in exactly one group.

    Each group takes the draft with the most pairs not yet named (ties: the one
    first in ``order``, the drafts' keys in the order shown), so few groups
    cover many pairs.
    """
    rank = {key: n for n, key in enumerate(order)}
    names: dict[Hashable, str] = {}
    left: dict[Hashable, dict[Hashable, float]] = {}
    for pair in pairs:
        names[pair.first_key], names[pair.second_key] = pair.first_name, pair.second_name
        left.setdefault(pair.first_key, {})[pair.second_key] = pair.score
        left.setdefault(pair.second_key, {})[pair.first_key] = pair.score
    groups = []
    while any(left.values()):
        key = min((k for k in left if left[k]),
                  key=lambda k: (-len(left[k]), rank.get(k, len(rank)), str(names[k])))
        partners = sorted(left.pop(key).items(), key=lambda item: (-item[1], names[item[0]]))
        for other, _score in partners:
            left[other].pop(key, None)
        groups.append(Group(names[key], [(names[other], score) for other, score in partners]))
    return groups


def _possessive(name: str) -> str:
    return f"{name}’s"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def group_line(group: Group, max_names: int | None = MAX_NAMES) -> str:
    """One group as a sentence, naming at most ``max_names`` look-alikes (None: all)."""
    shown = group.alike if max_names is None else group.alike[:max_names]
    parts = [f"{_possessive(name)} ({score:.0f} %)" for name, score in shown]
    others = len(group.alike) - len(shown)
    if others:
        parts.append(f"{others} other{'s' if others != 1 else ''}")
    return f"{_possessive(group.name)} note reads like {_join(parts)}"


def summary_lines(groups: list[Group]) -> list[str]:
    """The capped warning: at most :data:`MAX_LINES` lines, then "and N more pairs"."""
    lines = [group_line(group) for group in groups[:MAX_LINES]]
    hidden = sum(len(group.alike) for group in groups[MAX_LINES:])
    if hidden:
        lines.append(f"… and {hidden} more pair{'s' if hidden != 1 else ''}")
    return lines


class SimilarityNotice(QWidget):
    """The warning banner with its "Show all" list; hidden while nothing reads alike."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.label = banner_label(self, "warning", "Similarity warning", "SimilarityWarning")
        self.label.show()
        layout.addWidget(self.label)
        row = QHBoxLayout()
        self.toggle = QPushButton("Show all", self)
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._show_details)
        row.addWidget(self.toggle)
        row.addStretch(1)
        layout.addLayout(row)
        self.details = QTextBrowser(self)
        self.details.setAccessibleName("All notes that read alike")
        line = self.details.fontMetrics().lineSpacing()
        self.details.setMaximumHeight(line * 8 + 12)
        self.details.hide()
        layout.addWidget(self.details)
        self.groups: list[Group] = []
        self.hide()

    def text(self) -> str:
        """The warning as shown (rich text)."""
        return self.label.text()

    def set_pairs(self, pairs: Sequence, order: Sequence[Hashable] = ()) -> None:
        """Show the warning for ``pairs`` (hide it when there are none)."""
        self.groups = group_pairs(pairs, order)
        if not self.groups:
            self.toggle.setChecked(False)
            self.hide()
            return
        lines = [f"<b>{html.escape(_HEADING)}</b>"]
        lines += [f"• {html.escape(line)}" for line in summary_lines(self.groups)]
        lines.append(html.escape(_ADVICE))
        self.label.setText("<br>".join(lines))
        complete = len(self.groups) <= MAX_LINES and all(
            len(group.alike) <= MAX_NAMES for group in self.groups)
        self.toggle.setVisible(not complete)
        if complete:
            self.toggle.setChecked(False)
        self.details.setPlainText("\n".join(
            f"• {group_line(group, None)}." for group in self.groups))
        self._show_details(self.toggle.isChecked())
        self.show()

    def plain_text(self) -> str:
        """The capped warning as plain text (for the question before sending)."""
        return "\n".join(summary_lines(self.groups))

    def _show_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle.setText("Show fewer" if shown else
                            f"Show all {sum(len(g.alike) for g in self.groups)} pairs")


def highlight_shared(body: QPlainTextEdit, pairs: Sequence, key: Hashable | None) -> None:
    """Highlight in ``body`` the passages the draft ``key`` shares with look-alikes."""
    selections = []
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(HIGHLIGHT))
    fmt.setForeground(QColor("#000000"))
    length = len(body.toPlainText())
    for pair in pairs if key is not None else ():
        for passage in pair.shared:
            if pair.first_key == key:
                start, end = passage.first_start, passage.first_end
            elif pair.second_key == key:
                start, end = passage.second_start, passage.second_end
            else:
                continue
            if end > length:
                continue
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(body.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
    body.setExtraSelections(selections)


class SimilarityCheck:
    """The similarity guard of the composer (mixed into it: uses its notes, the chosen
    interview's company, its ``similar`` notice and its ``body``)."""

    def check_similarity(self) -> None:
        """Compare the drafts of this company and show which read alike."""
        # rapidfuzz: loaded when notes are first compared, not when the composer opens.
        from services.mail.similarity import DraftText, compare

        self._similar_timer.stop()
        choice = self._choice()
        company = choice.company if choice else ""
        texts = [DraftText(str(d.email_id), d.to_name or d.to_address, company, d.body)
                 for d in self.drafts if d.state in EDITABLE_STATES | {"queued"}]
        self.pairs = compare(texts) if len(texts) > 1 else []
        self.similar.set_pairs(self.pairs, [str(d.email_id) for d in self.drafts])
        self._highlight_shared()

    def similar_pairs_text(self) -> str:
        """The warning as plain text, capped like on screen (for the question before sending)."""
        return self.similar.plain_text()

    def _highlight_shared(self) -> None:
        row = self.current_row()
        key = str(self.drafts[row].email_id) if 0 <= row < len(self.drafts) else None
        highlight_shared(self.body, self.pairs, key)
