"""Email templates: the built-in ones, the user's edited copies, and rendering them safely.

Built-in templates live in ``resources/templates/<key>.txt``: a first line
``Subject: …``, a blank line, then the body, in Jinja2 syntax. They are
copied into the ``template`` table by :func:`ensure_builtin_templates` (the
composer calls it when it opens), where the user may edit them;
:func:`reset_template` brings one back to the built-in text.

Rendering uses a Jinja2 :class:`~jinja2.sandbox.SandboxedEnvironment` with
:class:`~jinja2.StrictUndefined` and limits on loops, output and time
(:mod:`services.mail.template_sandbox`): a template cannot reach Python internals
(``{{ company.__class__ }}`` is refused), and a misspelt placeholder is an
error pointing at the spot, never an empty string. ``trim_blocks`` and
``lstrip_blocks`` are on, so a ``{% if %}`` on a line of its own leaves no
blank line behind. Every problem is a :class:`TemplateProblem` whose
``message`` is a sentence for the user.

:func:`context_for` builds every placeholder of :data:`PLACEHOLDERS` from the
database; unknown values are empty strings, so the templates test them with
``{% if … %}``.

jinja2 is imported here at module level: this module is loaded only when the
composer or the template editor opens, never at start-up.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, date
from functools import cache, lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2.sandbox import SecurityError

from models import clock
from services.mail.template_sandbox import LimitedSandbox, LimitExceeded, guard_tree, render_limited

__all__ = [
    "BUILTIN_KEYS",
    "BUILTIN_NAMES",
    "PLACEHOLDERS",
    "PLACEHOLDER_HELP",
    "ContextProblem",
    "Rendered",
    "TemplateNotFound",
    "TemplateProblem",
    "TemplateText",
    "builtin_template",
    "check_template",
    "context_for",
    "delete_template",
    "ensure_builtin_templates",
    "first_name_of",
    "format_day",
    "get_template",
    "is_edited",
    "list_templates",
    "render",
    "render_template",
    "reset_template",
    "sample_context",
    "save_template",
]

#: The built-in templates, in the order the composer lists them.
BUILTIN_KEYS: tuple[str, ...] = ("thank_you", "follow_up", "more_time", "agency_update")

#: Their names as the user reads them.
BUILTIN_NAMES: dict[str, str] = {
    "thank_you": "Thank-you after an interview",
    "follow_up": "Follow-up after the time frame has passed",
    "more_time": "Asking for more time on an offer",
    "agency_update": "Update to the agency recruiter",
}

#: Every placeholder a template may use, with what it holds (for the editor's help).
PLACEHOLDER_HELP: dict[str, str] = {
    "first_name": "the recipient's first name",
    "full_name": "the recipient's full name",
    "title": "the recipient's job title",
    "company": "the company",
    "role": "the role you applied for",
    "round_date": "the day of the interview, such as “Tuesday 24 November”",
    "round_title": "the interview's title, such as “Technical interview”",
    "discussed": "what you discussed with this person",
    "user_name": "your name",
    "signature": "your signature (your name when you have not set one)",
    "recruiter_name": "the agency recruiter's name",
    "agency_name": "the staffing agency's name",
    "offer_deadline": "the offer's deadline, such as “Friday 28 November at 17:00”",
    "expected_date": "when you expected an answer, such as “Monday 1 December”",
}
PLACEHOLDERS: tuple[str, ...] = tuple(PLACEHOLDER_HELP)

#: Setting recording the text each built-in was last seeded with (a hash per key), so
#: an unedited built-in follows a newer version of the app and an edited one never does.
SEEDED_SETTING = "templates.seeded"

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class TemplateText(NamedTuple):
    """A template as stored: ``builtin`` is True for the four built-in keys."""

    key: str
    name: str
    subject: str
    body: str
    builtin: bool


class Rendered(NamedTuple):
    """A rendered message: one-line subject and the body."""

    subject: str
    body: str


class TemplateProblem(Exception):
    """A template cannot be rendered; ``message`` is a sentence pointing at the spot.

    ``field`` is ``"subject"`` or ``"body"``; ``line`` is the 1-based line in
    the body (None for the subject, which is one line); ``column`` is the
    1-based column when known.
    """

    def __init__(self, message: str, *, field: str = "body", line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.line = line
        self.column = column


class TemplateNotFound(LookupError):
    """No template has this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"There is no template called “{key}”; it may have been deleted.")
        self.message = str(self)
        self.key = key


class ContextProblem(LookupError):
    """The data a template needs is not there (a deleted round or interviewer, say)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- the sandbox --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _env() -> LimitedSandbox:
    # Loops, output and time are limited there (services/mail/template_sandbox.py).
    return LimitedSandbox(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )


def _known_list(extra: set[str] = frozenset()) -> str:
    return ", ".join(sorted(set(PLACEHOLDERS) | extra))


def _where(field: str, line: int | None) -> str:
    if field == "subject":
        return "In the subject"
    return f"Line {line}" if line else "In the body"


def _locate(source: str, line: int | None, word: str) -> tuple[int | None, str]:
    """The 1-based column of ``word`` on ``line`` and the ``{{ … }}`` around it, if found."""
    lines = source.split("\n")
    if not line or line > len(lines):
        return None, word
    text = lines[line - 1]
    match = re.search(rf"(?<![\w.]){re.escape(word)}(?!\w)", text)
    if match is None:
        return None, word
    column = match.start() + 1
    for tag in re.finditer(r"\{\{.*?\}\}|\{%.*?%\}", text):
        if tag.start() <= match.start() < tag.end():
            return column, tag.group(0)
    return column, word


def _unknown_name_problem(source: str, field: str, name: str, line: int | None,
                          allowed: set[str]) -> TemplateProblem:
    column, shown = _locate(source, line, name)
    guess = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.6)
    known = f"Known placeholders: {_known_list(allowed - set(PLACEHOLDERS))}."
    if guess:
        message = (f"{_where(field, line)}: “{shown}” is not a placeholder; "
                   f"did you mean “{guess[0]}”? {known}")
    else:
        message = f"{_where(field, line)}: “{shown}” is not a placeholder. {known}"
    return TemplateProblem(message, field=field, line=line if field == "body" else None,
                           column=column)


def _sentence(detail: str) -> str:
    detail = " ".join(str(detail).split()).rstrip(".")
    return detail[:1].lower() + detail[1:] if detail[:2] != detail[:2].upper() else detail


def _syntax_problem(exc: TemplateSyntaxError, field: str) -> TemplateProblem:
    line = exc.lineno if field == "body" else None
    detail = exc.message or str(exc)
    unclosed = re.search(r"innermost block that needs to be closed is '(\w+)'", detail)
    if unclosed:
        block = unclosed.group(1)
        return TemplateProblem(
            f"{_where(field, line)}: the template has a syntax error: the template ends but "
            f"a “{{% {block} … %}}” block is still open; close it with “{{% end{block} %}}”.",
            field=field, line=line,
        )
    return TemplateProblem(
        f"{_where(field, line)}: the template has a syntax error: {_sentence(detail)}. "
        "Check the {{ … }} and {% … %} marks there.",
        field=field, line=line,
    )


@lru_cache(maxsize=128)
def _compile(source: str, field: str, allowed: frozenset[str]):
    """Parse and check ``source``; the compiled template or a :class:`TemplateProblem`."""
    env = _env()
    try:
        tree = env.parse(source)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
            attr = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) else None)
            if isinstance(attr, str) and attr.startswith("_"):
                line = node.lineno if field == "body" else None
                column, _shown = _locate(source, node.lineno, attr)
                return TemplateProblem(
                    f"{_where(field, line)}: “{attr}” is off limits: templates may only use "
                    f"placeholders ({_known_list(set(allowed) - set(PLACEHOLDERS))}), not "
                    "the program's internals.",
                    field=field, line=line, column=column,
                )
        # Also compiles the template: an unknown filter or test is reported here.
        unknown = meta.find_undeclared_variables(tree) - set(allowed) - set(env.globals)
        if unknown:
            found = [(n.lineno, n.name) for n in tree.find_all(nodes.Name)
                     if n.name in unknown and n.ctx == "load"]
            line, name = min(found) if found else (None, sorted(unknown)[0])
            return _unknown_name_problem(source, field, name, line, set(allowed))
        return env.from_string(guard_tree(tree))
    except TemplateSyntaxError as exc:
        return _syntax_problem(exc, field)


def _template_line(exc: BaseException) -> int | None:
    """The template line a rendering error happened on (Jinja rewrites tracebacks so)."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _render_one(source: str, field: str, context: Mapping[str, Any]) -> str:
    allowed = frozenset(set(PLACEHOLDERS) | {k for k in context if isinstance(k, str)})
    compiled = _compile(source, field, allowed)
    if isinstance(compiled, TemplateProblem):
        raise TemplateProblem(compiled.message, field=compiled.field, line=compiled.line,
                              column=compiled.column)
    try:
        return render_limited(compiled, dict(context))
    except LimitExceeded as exc:
        line = _template_line(exc) if field == "body" else None
        raise TemplateProblem(f"{_where(field, line)}: {exc.message}", field=field,
                              line=line) from None
    except SecurityError as exc:
        line = _template_line(exc) if field == "body" else None
        raise TemplateProblem(
            f"{_where(field, line)}: the template tries something templates may not do "
            f"({_sentence(str(exc))}); use only the placeholders.",
            field=field, line=line,
        ) from None
    except UndefinedError as exc:
        line = _template_line(exc) if field == "body" else None
        if "unsafe" in str(exc):
            raise TemplateProblem(
                f"{_where(field, line)}: the template tries to reach the program's internals "
                f"({_sentence(str(exc))}); use only the placeholders.",
                field=field, line=line,
            ) from None
        missing = re.search(r"has no attribute '([^']*)'", str(exc))
        if missing:
            raise TemplateProblem(
                f"{_where(field, line)}: placeholders are plain text and have no "
                f"“{missing.group(1)}”; write the placeholder alone, such as {{{{ company }}}}.",
                field=field, line=line,
            ) from None
        raise TemplateProblem(
            f"{_where(field, line)}: a placeholder has no value here "
            f"({_sentence(str(exc))}). Known placeholders: {_known_list()}.",
            field=field, line=line,
        ) from None
    except Exception as exc:  # any error of a user's template becomes a sentence
        line = _template_line(exc) if field == "body" else None
        raise TemplateProblem(
            f"{_where(field, line)}: the template could not be filled in: "
            f"{_sentence(str(exc) or type(exc).__name__)}.",
            field=field, line=line,
        ) from None


def render(subject: str, body: str, context: Mapping[str, Any]) -> Rendered:
    """Fill in ``subject`` and ``body`` with ``context``; raise :class:`TemplateProblem`.

    The subject comes back on one line (line breaks and runs of spaces become
    one space), so it is always safe to use as a header.
    """
    rendered_subject = _render_one(_one_line(subject), "subject", context)
    rendered_body = _render_one(_normalise_newlines(body), "body", context)
    return Rendered(_one_line(rendered_subject), rendered_body)


def check_template(subject: str, body: str) -> TemplateProblem | None:
    """The first problem of a template, tried with :func:`sample_context`; None when it renders."""
    try:
        render(subject, body, sample_context())
    except TemplateProblem as problem:
        return problem
    return None


def sample_context() -> dict[str, str]:
    """Example values for every placeholder, for previews without real data."""
    return {
        "first_name": "Priya",
        "full_name": "Priya Raman",
        "title": "Staff Data Engineer",
        "company": "Lumen Analytics",
        "role": "Senior Data Engineer",
        "round_date": "Tuesday 24 November",
        "round_title": "Technical interview",
        "discussed": "data contracts and how I test pipelines",
        "user_name": "Sam Rivera",
        "signature": "Sam Rivera",
        "recruiter_name": "Hannah Okafor",
        "agency_name": "Brightpath Talent",
        "offer_deadline": "Friday 27 November at 17:00",
        "expected_date": "Tuesday 1 December",
    }


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _normalise_newlines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


# -- built-in and stored templates --------------------------------------------------------------


def _resource_path(key: str):
    from services.core.paths import resources_dir

    return resources_dir() / "templates" / f"{key}.txt"


@cache
def builtin_template(key: str) -> TemplateText:
    """The built-in template ``key`` as shipped in ``resources/templates``."""
    if key not in BUILTIN_KEYS:
        raise TemplateNotFound(key)
    text = _normalise_newlines(_resource_path(key).read_text(encoding="utf-8"))
    first, _, rest = text.partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{_resource_path(key)} must start with a “Subject:” line.")
    body = rest[1:] if rest.startswith("\n") else rest
    return TemplateText(key, BUILTIN_NAMES[key], first[len("Subject:"):].strip(), body, True)


def _digest(subject: str, body: str) -> str:
    return hashlib.sha256(f"{subject}\n\n{body}".encode()).hexdigest()


def _row_text(row) -> TemplateText:
    return TemplateText(row.key, row.name, row.subject, row.body, row.key in BUILTIN_KEYS)


def ensure_builtin_templates() -> list[str]:
    """Seed the built-in templates into the database; return the keys written.

    Idempotent. A missing built-in is added. An existing one is brought up to
    the shipped text only when it still holds exactly the text it was last
    seeded with (the user never edited it); an edited template is never
    touched.
    """
    from models.base import database_proxy, utc_now
    from models.settings import Template
    from services.core import settings

    if database_proxy.execute_sql("PRAGMA query_only").fetchone()[0]:
        return []  # the data was opened for reading only (services.core.store): nothing to seed
    written = []
    with database_proxy.atomic():
        seeded = dict(settings.get(SEEDED_SETTING) or {})
        rows = {t.key: t for t in Template.select().where(Template.key.in_(BUILTIN_KEYS))}
        changed = False
        for key in BUILTIN_KEYS:
            shipped = builtin_template(key)
            shipped_digest = _digest(shipped.subject, shipped.body)
            row = rows.get(key)
            if row is None:
                Template.create(key=key, name=shipped.name, subject=shipped.subject,
                                body=shipped.body, builtin=True, updated_at=utc_now())
                written.append(key)
            else:
                current = _digest(row.subject, row.body)
                if current != shipped_digest and seeded.get(key) == current:
                    (Template.update(subject=shipped.subject, body=shipped.body,
                                     updated_at=utc_now())
                     .where(Template.id == row.id).execute())
                    written.append(key)
                elif current != shipped_digest:
                    continue  # edited by the user: keep it, and do not claim it as seeded
            if seeded.get(key) != shipped_digest:
                seeded[key] = shipped_digest
                changed = True
        if changed:
            settings.put(SEEDED_SETTING, seeded)
    return written


def get_template(key: str) -> TemplateText:
    """The template ``key``: the stored copy, or for a built-in not yet seeded the shipped text."""
    from models.settings import Template

    row = Template.get_or_none(Template.key == key)
    if row is not None:
        return _row_text(row)
    if key in BUILTIN_KEYS:
        return builtin_template(key)
    raise TemplateNotFound(key)


def list_templates() -> list[TemplateText]:
    """Every template: the built-ins in :data:`BUILTIN_KEYS` order, then the user's by name."""
    from models.settings import Template

    rows = {row.key: _row_text(row) for row in Template.select()}
    builtins = [rows.pop(key, None) or builtin_template(key) for key in BUILTIN_KEYS]
    return builtins + sorted(rows.values(), key=lambda t: (t.name.casefold(), t.key))


def save_template(key: str, name: str, subject: str, body: str) -> TemplateText:
    """Store a template (a built-in's edited copy, or a template of the user's own).

    The text is stored even when it does not render (check it with
    :func:`check_template`), so the user's work is never lost; the subject is
    kept on one line. Raises :class:`ValueError` with a sentence for an
    unusable key.
    """
    from models.base import utc_now
    from models.settings import Template

    key = (key or "").strip()
    if not _KEY.match(key):
        raise ValueError(
            f"“{key}” cannot name a template; use lower-case letters, digits, "
            "hyphens and underscores, such as “thank_you_short”."
        )
    name = _one_line(name) or BUILTIN_NAMES.get(key, key)
    values = {
        "name": name,
        "subject": _one_line(subject),
        "body": _normalise_newlines(body),
        "builtin": key in BUILTIN_KEYS,
        "updated_at": utc_now(),
    }
    (Template.insert(key=key, **values)
     .on_conflict(conflict_target=[Template.key], update=values).execute())
    return get_template(key)


def reset_template(key: str) -> TemplateText:
    """Bring a built-in template back to the shipped text (its name too)."""
    if key not in BUILTIN_KEYS:
        from models.settings import Template

        if Template.get_or_none(Template.key == key) is None:
            raise TemplateNotFound(key)
        raise ValueError(
            f"“{key}” is a template of your own; only built-in templates can be reset."
        )
    from models.base import database_proxy
    from services.core import settings

    shipped = builtin_template(key)
    with database_proxy.atomic():
        saved = save_template(key, shipped.name, shipped.subject, shipped.body)
        seeded = dict(settings.get(SEEDED_SETTING) or {})
        seeded[key] = _digest(shipped.subject, shipped.body)
        settings.put(SEEDED_SETTING, seeded)
    return saved


def delete_template(key: str) -> None:
    """Delete a template of the user's own (built-in ones can only be reset)."""
    from models.settings import Template

    if key in BUILTIN_KEYS:
        raise ValueError(
            f"“{BUILTIN_NAMES[key]}” is built in and cannot be deleted; reset it instead."
        )
    if Template.delete().where(Template.key == key).execute() == 0:
        raise TemplateNotFound(key)


def is_edited(key: str) -> bool:
    """True when the built-in template ``key`` differs from the shipped text."""
    if key not in BUILTIN_KEYS:
        return False
    stored = get_template(key)
    shipped = builtin_template(key)
    return (stored.subject, stored.body) != (shipped.subject, shipped.body)


def render_template(key: str, context: Mapping[str, Any]) -> Rendered:
    """Render the stored template ``key`` with ``context``."""
    template = get_template(key)
    return render(template.subject, template.body, context)


# -- the placeholders from the database ---------------------------------------------------------

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor", "sir",
                         "dame", "herr", "frau", "mme", "mlle", "m"})
def format_day(day: date, today: date | None = None) -> str:
    """``day`` as “Tuesday 24 November” (with the year when it is not this year), in English."""
    today = today or clock.today()
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return text if day.year == today.year else f"{text} {day.year}"


def first_name_of(full_name: str) -> str:
    """The first name in ``full_name``, past a title such as “Dr.” or “Ms”."""
    words = (full_name or "").split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in _HONORIFICS:
        words = words[1:]
    return words[0] if words else ""


def _is_titlecase(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and word[1:] == word[1:].lower()


def _clean_discussed(text: str) -> str:
    """One line with no trailing full stop, so it fits mid-sentence (“about {{ discussed }}.”).

    A capital on the first word is lowered (“Data contracts” → “data
    contracts”), except for what looks like a name or an acronym: a word with
    capitals inside (HIPAA, JavaScript), the word “I”, or one followed by
    a capitalised word (New York, Google Cloud).
    """
    text = _one_line(text).rstrip(" .;,")
    words = text.split(" ")
    first = words[0] if words else ""
    next_word = words[1] if len(words) > 1 else ""
    if (len(first) > 1 and first[0].isupper() and first[1:] == first[1:].lower()
            and first.isalpha() and not _is_titlecase(next_word)):
        text = first[0].lower() + text[1:]
    return text


def _zone(name: str | None):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def _join_topics(people) -> str:
    topics = [f"{_clean_discussed(p.discussed)} with {p.name}" for p in people
              if _one_line(p.discussed)]
    if len(topics) <= 1:
        return topics[0] if topics else ""
    return ", ".join(topics[:-1]) + ", and " + topics[-1]


def context_for(application_id: int, round_id: int | None, interviewer_id: int | None,
                template_key: str) -> dict[str, str]:
    """Every placeholder of :data:`PLACEHOLDERS` for one message, from the database.

    The recipient is the recruiter for ``agency_update`` (and for any
    template on an agency application when no interviewer is given), the
    interviewer ``interviewer_id`` when given, or else the application's HR
    contact. Without ``round_id`` the latest round that has started is used.
    Dates are in the round's (or the offer deadline's) own time zone.
    Raises :class:`services.applications.editing.ApplicationNotFoundError` or
    :class:`ContextProblem`.
    """
    from models.application import Application, Offer, OfferStatus
    from models.interview import Interviewer, InterviewRound
    from services.applications.editing import ApplicationNotFoundError
    from services.applications.prospects import expected_response
    from services.core import settings

    app = Application.get_or_none(Application.id == application_id)
    if app is None:
        raise ApplicationNotFoundError(application_id)
    rnd = None
    if round_id is not None:
        rnd = InterviewRound.get_or_none(InterviewRound.id == round_id)
        if rnd is None or rnd.application_id != app.id:
            raise ContextProblem(
                f"That interview is no longer part of the application at {app.company}; "
                "it may have been deleted. Reopen the composer from the interview."
            )
    else:
        now = clock.now()
        started = [r for r in app.rounds if r.starts_at is not None and r.starts_at <= now
                   and not r.cancelled]
        rnd = max(started, key=lambda r: r.starts_at, default=None)
    people = []
    if rnd is not None:
        people = list(rnd.interviewers.order_by(Interviewer.position, Interviewer.id))
    person = None
    if interviewer_id is not None:
        person = Interviewer.get_or_none(Interviewer.id == interviewer_id)
        if person is None or (rnd is not None and person.round_id != rnd.id) or (
                rnd is None and person.round.application_id != app.id):
            raise ContextProblem(
                "That interviewer is no longer part of this interview; they may have been "
                "removed. Reopen the composer from the interview."
            )

    agency_name = app.agency_name if app.is_agency else ""
    recruiter_name = app.recruiter_name if app.is_agency else ""
    if template_key == "agency_update" or (person is None and app.is_agency):
        full_name = app.recruiter_name
        title = f"Recruiter at {app.agency_name}" if app.agency_name else "Recruiter"
        discussed = _join_topics(people)
    elif person is not None:
        full_name, title, discussed = person.name, person.title, person.discussed
    else:
        full_name, title = app.contact_name, ""
        same = [p for p in people if (app.contact_email and p.email.casefold()
                                      == app.contact_email.casefold())
                or (app.contact_name and p.name.casefold() == app.contact_name.casefold())]
        discussed = same[0].discussed if same else ""

    round_date = round_title = expected_date = ""
    if rnd is not None:
        round_title = rnd.title or "Interview"
        if rnd.starts_at is not None:
            local_day = rnd.starts_at.astimezone(_zone(rnd.tz_name)).date()
            round_date = format_day(local_day)
            default_days = settings.get("outlook.default_response_business_days")
            expected = expected_response(
                local_day, rnd.timeframe_value, rnd.timeframe_unit,
                int(default_days) if isinstance(default_days, int) else 10,
            )
            expected_date = format_day(expected.date)

    offer_deadline = ""
    offer = (Offer.select()
             .where((Offer.application == app) & (Offer.status == OfferStatus.PENDING.value)
                    & Offer.deadline_at.is_null(False))
             .order_by(Offer.deadline_at).first())
    if offer is not None:
        local = offer.deadline_at.astimezone(_zone(offer.deadline_tz))
        offer_deadline = f"{format_day(local.date())} at {local:%H:%M}"

    user_name = _one_line(str(settings.get("user.name") or ""))
    signature = _normalise_newlines(str(settings.get("user.signature") or "")).strip("\n")
    return {
        "first_name": first_name_of(full_name),
        "full_name": _one_line(full_name),
        "title": _one_line(title),
        "company": _one_line(app.company),
        "role": _one_line(app.role),
        "round_date": round_date,
        "round_title": _one_line(round_title),
        "discussed": _clean_discussed(discussed),
        "user_name": user_name,
        "signature": signature or user_name,
        "recruiter_name": _one_line(recruiter_name),
        "agency_name": _one_line(agency_name),
        "offer_deadline": offer_deadline,
        "expected_date": expected_date,
    }
