"""How well replies are read: precision and recall of suggested stage changes on the corpus.

    python benchmarks/inbox_corpus.py

Every message of ``tests/fixtures/mail_corpus`` goes through what the mailbox
watcher will do: :func:`services.mail.inbox.inbound.parse_message`, then
:func:`services.mail.inbox.matching.match` against ``applications.json``, then
:func:`services.mail.inbox.classify.classify` with the matched application's stage.
A *suggested stage change* is a match to at least one application plus a
suggested stage; it is *right* when the stage is the labelled one and the
matched applications are the labelled one (or exactly the labelled
candidates, where the user must choose).

* precision = right suggested changes / all suggested changes (targets ≥ 0.95)
* recall = right suggested changes / changes the labels call for (≥ 0.80)

A table of the messages read differently from their labels (application,
kind or stage) goes to stderr. ``tests/mail/inbox/test_mail_corpus.py`` asserts the
targets, since they are a quality threshold on a fixed corpus, not a timing.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from services.mail.inbox.classify import classify  # noqa: E402
from services.mail.inbox.inbound import parse_message  # noqa: E402
from services.mail.inbox.matching import KnownApplication, match  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "mail_corpus"
PRECISION_TARGET = 0.95
RECALL_TARGET = 0.80


@dataclass(frozen=True)
class Outcome:
    """One message: what the labels expect and what parse → match → classify made of it."""

    file: str
    label: dict
    expected_ids: frozenset[int]
    matched_ids: frozenset[int]
    kind: str
    suggested_stage: str | None
    match_reason: str
    reasons: tuple[str, ...]

    @property
    def suggests_change(self) -> bool:
        """True when the app would offer a stage change for this message."""
        return bool(self.matched_ids) and self.suggested_stage is not None

    @property
    def calls_for_change(self) -> bool:
        """True when the labels say the message calls for a stage change."""
        return self.label["stage"] is not None

    @property
    def right(self) -> bool:
        """True when the suggested change is the labelled one (applications and stage)."""
        return (self.suggests_change and self.calls_for_change
                and self.matched_ids == self.expected_ids
                and self.suggested_stage == self.label["stage"])

    @property
    def as_labelled(self) -> bool:
        """True when application, kind and stage all agree with the labels."""
        return (self.matched_ids == self.expected_ids and self.kind == self.label["kind"]
                and (self.suggested_stage if self.matched_ids else None) == self.label["stage"])


def known_applications(folder: Path = CORPUS) -> tuple[list[KnownApplication], dict[str, int],
                                                       dict[int, str]]:
    """The corpus's applications as matching facts, ids by company, and stages by id."""
    data = json.loads((folder / "applications.json").read_text(encoding="utf-8"))
    known, ids, stages = [], {}, {}
    for entry in data["applications"]:
        known.append(KnownApplication(
            application_id=entry["id"], company=entry["company"],
            agency_name=entry.get("agency_name", ""),
            people=tuple(tuple(person) for person in entry.get("people", [])),
            domains=tuple(entry.get("domains", [])),
            sent_message_ids=tuple(entry.get("sent_message_ids", [])),
            open=entry.get("open", True)))
        ids[entry["company"]] = entry["id"]
        stages[entry["id"]] = entry["stage"]
    return known, ids, stages


def _current_stage(matched: frozenset[int], stages: dict[int, str]) -> str | None:
    """The stage the suggestion starts from: the candidates' stage when they share one."""
    found = {stages[i] for i in matched}
    return found.pop() if len(found) == 1 else None


def evaluate(folder: Path = CORPUS) -> list[Outcome]:
    """Every labelled message of ``folder`` read as the watcher will read it."""
    known, ids, stages = known_applications(folder)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["messages"]
    outcomes = []
    for name, label in sorted(labels.items()):
        message = parse_message((folder / name).read_bytes())
        found = match(message, known)
        matched = frozenset(found.application_ids)
        meaning = classify(message, _current_stage(matched, stages) if matched else None)
        companies = label.get("candidates") or ([label["application"]]
                                                if label["application"] else [])
        outcomes.append(Outcome(name, label, frozenset(ids[c] for c in companies), matched,
                                meaning.kind, meaning.suggested_stage, found.reason,
                                meaning.reasons))
    return outcomes


def precision_recall(outcomes: list[Outcome]) -> tuple[float, float]:
    """Precision and recall of the suggested stage changes (see the module's description)."""
    suggested = sum(o.suggests_change for o in outcomes)
    called_for = sum(o.calls_for_change for o in outcomes)
    right = sum(o.right for o in outcomes)
    return (right / suggested if suggested else 1.0, right / called_for if called_for else 1.0)


def print_misses(outcomes: list[Outcome], stream=sys.stderr) -> None:
    """A table of the messages read differently from their labels."""
    misses = [o for o in outcomes if not o.as_labelled]
    print(f"{len(misses)} of {len(outcomes)} messages read differently from their labels",
          file=stream)
    if not misses:
        return
    print(f"{'file':46} {'expected app/kind/stage':42} {'got app/kind/stage':42}", file=stream)
    for o in misses:
        expected = f"{sorted(o.expected_ids)}/{o.label['kind']}/{o.label['stage']}"
        got_stage = o.suggested_stage if o.matched_ids else None
        got = f"{sorted(o.matched_ids)}/{o.kind}/{got_stage}"
        print(f"{o.file[:46]:46} {expected:42} {got:42}", file=stream)
        print(f"{'':46} match: {o.match_reason}", file=stream)
        for reason in o.reasons[:2]:
            print(f"{'':46} means: {reason}", file=stream)


def figures(folder: Path = CORPUS) -> tuple[float, float]:
    """(precision, recall) over the corpus; the misses are printed to stderr."""
    outcomes = evaluate(folder)
    print_misses(outcomes)
    return precision_recall(outcomes)


def main() -> int:
    """Print the figures against their targets; exit 1 when one is missed."""
    precision, recall = figures()
    ok = precision >= PRECISION_TARGET and recall >= RECALL_TARGET
    print(f"inbox corpus: precision {precision:.3f} (target ≥ {PRECISION_TARGET}), "
          f"recall {recall:.3f} (target ≥ {RECALL_TARGET}): {'ok' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
