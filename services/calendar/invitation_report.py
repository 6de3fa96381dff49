"""What an import of invitation files did: :class:`ImportReport`, one sentence per line, and
counts.

:mod:`services.calendar.invitation_writer` fills one per file,
:mod:`services.calendar.invitation_files` merges them, and the window and the
command line show :meth:`ImportReport.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """What an import did: one sentence per line, and counts."""

    lines: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    skipped: int = 0
    rejected: int = 0
    failed_files: int = 0
    applications_created: int = 0
    interrupted: bool = False
    round_ids: list[int] = field(default_factory=list)
    application_ids: list[int] = field(default_factory=list)
    #: The start of every interview created or updated, in order (for "show it").
    starts: list[datetime] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file was imported: none refused, not cancelled (events the
        user chose to leave out are listed, and do not count against it)."""
        return not (self.failed_files or self.interrupted)

    @property
    def complete(self) -> bool:
        """True when every file was imported and every event in it was used."""
        return self.ok and not self.rejected

    def say(self, line: str) -> None:
        """Add a line."""
        self.lines.append(line)

    def summary(self) -> str:
        """One sentence counting what happened."""
        parts = []
        for count, word in ((self.created, "created"), (self.updated, "updated"),
                            (self.cancelled, "cancelled"), (self.unchanged, "unchanged"),
                            (self.skipped, "skipped"), (self.rejected, "rejected")):
            if count:
                parts.append(f"{count} {word}")
        text = "Interviews: " + (", ".join(parts) if parts else "none imported") + "."
        if self.applications_created:
            noun = "application" if self.applications_created == 1 else "applications"
            text += f" {self.applications_created} new {noun}."
        if self.failed_files:
            text += (f" {self.failed_files} file{'s' if self.failed_files != 1 else ''} "
                     "could not be imported.")
        return text

    def text(self) -> str:
        """The summary followed by every line."""
        return "\n".join([self.summary(), *self.lines])
