"""Email templates: built-ins, seeding, editing, placeholders from the data, safe rendering."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from models import clock
from services.mail import placeholders, template_rendering, templates
from services.mail.placeholders import PLACEHOLDERS, context_for, format_day
from services.mail.template_rendering import TemplateProblem, render
from services.mail.templates import BUILTIN_KEYS, ensure_builtin_templates, get_template

EVERY_PLACEHOLDER = "\n".join(f"{name}=[{{{{ {name} }}}}]" for name in PLACEHOLDERS)


def _lumen():
    from models.application import Application
    from models.interview import Interviewer, InterviewRound

    app = Application.get(Application.company == "Lumen Analytics")
    rnd = InterviewRound.get((InterviewRound.application == app)
                             & (InterviewRound.title == "Technical interview"))
    people = {p.name: p for p in rnd.interviewers.order_by(Interviewer.position)}
    return app, rnd, people


def _app(company):
    from models.application import Application

    return Application.get(Application.company == company)


# -- the built-in templates ---------------------------------------------------------------------


def test_builtin_files_have_a_subject_and_a_body():
    for key in BUILTIN_KEYS:
        text = templates.builtin_template(key)
        assert text.key == key and text.builtin
        assert text.subject and "\n" not in text.subject
        assert text.body.strip() and not text.body.startswith("\n")
        assert template_rendering.check_template(text.subject, text.body) is None, key


def test_builtins_use_the_placeholders_they_promise():
    used = {key: templates.builtin_template(key).subject + templates.builtin_template(key).body
            for key in BUILTIN_KEYS}
    assert "{{ discussed }}" in used["thank_you"] and "{% if discussed %}" in used["thank_you"]
    assert "{{ first_name }}" in used["thank_you"] and "{{ signature }}" in used["thank_you"]
    assert "{{ expected_date }}" in used["follow_up"]
    assert "{{ offer_deadline }}" in used["more_time"]
    assert "{{ agency_name }}" in used["agency_update"]


@pytest.mark.parametrize("key", BUILTIN_KEYS)
def test_builtins_read_well_without_optional_values(key):
    """Empty discussed, dates and names leave no dangling words or blank-line gaps."""
    text = templates.builtin_template(key)
    context = dict(placeholders.sample_context(), first_name="", discussed="", round_date="",
                   offer_deadline="", expected_date="", agency_name="")
    body = render(text.subject, text.body, context).body
    assert "\n\n\n" not in body
    assert "about ." not in body and " on ." not in body and " ," not in body
    assert body.startswith("Hello,\n\n")
    assert body.endswith("Sam Rivera\n")


def test_thank_you_uses_what_was_discussed_with_that_person():
    text = templates.builtin_template("thank_you")
    context = placeholders.sample_context()
    body = render(text.subject, text.body, context).body
    assert "Dear Priya,\n\n" in body
    assert "our conversation about data contracts and how I test pipelines." in body
    assert "on Tuesday 24 November about the Senior Data Engineer role at Lumen Analytics" in body


# -- seeding, editing, resetting ----------------------------------------------------------------


def test_builtins_are_seeded_once(store):
    from models.settings import Template

    assert ensure_builtin_templates() == list(BUILTIN_KEYS)
    assert ensure_builtin_templates() == []
    assert Template.select().count() == len(BUILTIN_KEYS)
    for key in BUILTIN_KEYS:
        assert get_template(key) == templates.builtin_template(key)


def test_user_edits_survive_seeding_and_reset_brings_the_builtin_back(store):
    ensure_builtin_templates()
    edited = templates.save_template("thank_you", "My thanks", "Thanks, {{ first_name }}",
                                     "Hi {{ first_name }},\r\nthanks!\r\n")
    assert edited.body == "Hi {{ first_name }},\nthanks!\n" and edited.builtin
    assert templates.is_edited("thank_you")
    assert ensure_builtin_templates() == []
    assert get_template("thank_you") == edited
    restored = templates.reset_template("thank_you")
    assert restored == templates.builtin_template("thank_you")
    assert not templates.is_edited("thank_you")
    assert get_template("thank_you") == restored


def test_an_unedited_builtin_follows_a_newer_text_but_an_edited_one_does_not(store):
    from models.settings import Template
    from services.core import settings

    ensure_builtin_templates()
    # Pretend both were seeded by an older version whose text was "old"; the user edited one.
    old = templates._digest("Old subject", "Old body\n")
    settings.put(templates.SEEDED_SETTING, dict.fromkeys(BUILTIN_KEYS, old))
    Template.update(subject="Old subject", body="Old body\n").execute()
    Template.update(body="My own words\n").where(Template.key == "follow_up").execute()
    written = ensure_builtin_templates()
    assert "follow_up" not in written and "thank_you" in written
    assert get_template("thank_you") == templates.builtin_template("thank_you")
    assert get_template("follow_up").body == "My own words\n"
    assert ensure_builtin_templates() == []


def test_templates_of_the_users_own(store):
    ensure_builtin_templates()
    mine = templates.save_template("short-thanks", "  Short\nthanks ", "Hi\n{{ company }}",
                                   "Thanks!")
    assert mine == templates.TemplateText("short-thanks", "Short thanks", "Hi {{ company }}",
                                          "Thanks!", False)
    keys = [t.key for t in templates.list_templates()]
    assert keys == [*BUILTIN_KEYS, "short-thanks"]
    with pytest.raises(ValueError, match="only built-in templates can be reset"):
        templates.reset_template("short-thanks")
    with pytest.raises(ValueError, match="cannot be deleted"):
        templates.delete_template("thank_you")
    templates.delete_template("short-thanks")
    with pytest.raises(templates.TemplateNotFound):
        get_template("short-thanks")
    with pytest.raises(ValueError, match="cannot name a template"):
        templates.save_template("Bad Key!", "x", "", "")


def test_builtins_are_listed_before_seeding(store):
    assert [t.key for t in templates.list_templates()] == list(BUILTIN_KEYS)
    assert get_template("more_time") == templates.builtin_template("more_time")


def test_a_broken_template_is_still_saved(store):
    saved = templates.save_template("thank_you", "Thanks", "Hi", "Dear {{ frist_name }},\n")
    assert saved.body == "Dear {{ frist_name }},\n"
    problem = template_rendering.check_template(saved.subject, saved.body)
    assert problem is not None and "did you mean “first_name”" in problem.message


# -- rendering errors ---------------------------------------------------------------------------


def test_unknown_placeholder_names_the_line_and_suggests():
    body = "Dear {{ first_name }},\n\nI enjoyed {{ compnay }} a lot.\n"
    with pytest.raises(TemplateProblem) as caught:
        render("Hi", body, placeholders.sample_context())
    problem = caught.value
    assert problem.message.startswith(
        "Line 3: “{{ compnay }}” is not a placeholder; did you mean “company”? "
        "Known placeholders: ")
    assert all(name in problem.message for name in PLACEHOLDERS)
    assert (problem.field, problem.line, problem.column) == ("body", 3, 14)


def test_unknown_placeholder_in_the_subject():
    with pytest.raises(TemplateProblem) as caught:
        render("Thanks – {{ rol }}", "Body", placeholders.sample_context())
    problem = caught.value
    assert problem.message.startswith("In the subject: “{{ rol }}” is not a placeholder; "
                                      "did you mean “role”?")
    assert (problem.field, problem.line) == ("subject", None)


def test_unknown_placeholder_without_a_close_match():
    with pytest.raises(TemplateProblem) as caught:
        render("s", "{{ zebra }}", placeholders.sample_context())
    assert caught.value.message.startswith("Line 1: “{{ zebra }}” is not a placeholder. Known")


def test_syntax_errors_name_the_line():
    with pytest.raises(TemplateProblem) as caught:
        render("s", "Dear {{ first_name }},\nThanks {{ company }\n", placeholders.sample_context())
    assert caught.value.message.startswith(
        "Line 2: the template has a syntax error: unexpected '}'")
    assert caught.value.line == 2
    with pytest.raises(TemplateProblem) as caught:
        render("s", "a\n{% if discussed %}\nb\n", placeholders.sample_context())
    assert caught.value.message == (
        "Line 3: the template has a syntax error: the template ends but a “{% if … %}” "
        "block is still open; close it with “{% endif %}”.")
    with pytest.raises(TemplateProblem) as caught:
        render("{{ company", "b", placeholders.sample_context())
    assert caught.value.message.startswith("In the subject: the template has a syntax error")
    with pytest.raises(TemplateProblem, match=r"Line 2: .*no filter named 'shout'"):
        render("s", "a\n{{ company | shout }}", placeholders.sample_context())


def test_attribute_of_a_placeholder_is_explained():
    with pytest.raises(TemplateProblem) as caught:
        render("s", "a\n{{ company.name }}", placeholders.sample_context())
    assert caught.value.message.startswith("Line 2: placeholders are plain text and have no "
                                           "“name”")


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ company.__class__ }}",
    "{{ company['__class__'] }}",
    "{{ company|attr('__class__') }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ (company.upper).__self__ }}",
    "{{ 'a' * 1000000000 }}",
    "{{ 9 ** 9999999 }}",
    "{% for x in range(10**9) %}{% endfor %}",
])
def test_the_sandbox_keeps_templates_away_from_python(source):
    with pytest.raises(TemplateProblem) as caught:
        render("s", "Hello\n" + source, placeholders.sample_context())
    message = caught.value.message
    assert message.startswith("Line 2: ") and message.endswith(".")
    assert "Traceback" not in message


def test_format_string_tricks_are_refused():
    with pytest.raises(TemplateProblem):
        render("s", "{{ '{0.__class__}'.format(company) }}", placeholders.sample_context())


def test_the_subject_is_one_line_whatever_the_values():
    context = dict(placeholders.sample_context(), role="Data\r\nBcc: evil@example.com")
    rendered = render("Thanks –\n{{ role }}", "b", context)
    assert rendered.subject == "Thanks – Data Bcc: evil@example.com"


def test_every_placeholder_renders_from_the_data(demo_store):
    app, rnd, people = _lumen()
    priya = people["Priya Raman"]
    context = context_for(app.id, rnd.id, priya.id, "thank_you")
    assert set(context) == set(PLACEHOLDERS)
    local_day = rnd.starts_at.astimezone(ZoneInfo("Europe/Berlin")).date()
    from services.applications.prospects import add_business_days

    assert context == {
        "first_name": "Priya",
        "full_name": "Priya Raman",
        "title": "Staff Data Engineer",
        "company": "Lumen Analytics",
        "role": "Senior Data Engineer",
        "round_date": format_day(local_day),
        "round_title": "Technical interview",
        "discussed": "data contracts and how I test pipelines",
        "user_name": "Sam Rivera",
        "signature": "Sam Rivera\n+49 30 1234 5678\nlinkedin.com/in/samrivera",
        "recruiter_name": "",
        "agency_name": "",
        "offer_deadline": "",
        "expected_date": format_day(add_business_days(local_day, 5)),
    }
    out = render("{{ full_name }}", EVERY_PLACEHOLDER, context)
    for name in PLACEHOLDERS:
        assert f"{name}=[{context[name]}]" in out.body
    assert out.subject == "Priya Raman"


def test_context_for_an_offer_and_the_hr_contact(demo_store):
    from models.application import Offer

    orbit = _app("Orbit Health")
    context = context_for(orbit.id, None, None, "more_time")
    offer = Offer.get(Offer.application == orbit)
    local = offer.deadline_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert context["offer_deadline"] == f"{format_day(local.date())} at 17:00"
    # The HR contact (Daniel Weiss) also interviewed the user: his topic is used.
    assert context["full_name"] == "Daniel Weiss" and context["first_name"] == "Daniel"
    assert context["discussed"] == "their HIPAA audit and the team's roadmap"
    assert context["round_title"] == "Final interview"
    body = templates.render_template("more_time", context).body
    assert f"beyond {context['offer_deadline']} before" in body


def test_context_for_the_agency_recruiter(demo_store):
    northwind = _app("Northwind Logistics")
    rnd = northwind.rounds.get()
    context = context_for(northwind.id, rnd.id, None, "agency_update")
    assert context["full_name"] == "Hannah Okafor" and context["first_name"] == "Hannah"
    assert context["recruiter_name"] == "Hannah Okafor"
    assert context["agency_name"] == "Brightpath Talent"
    assert context["title"] == "Recruiter at Brightpath Talent"
    assert "with Greta Lindqvist" in context["discussed"]
    assert "with Omar Haddad" in context["discussed"]
    body = templates.render_template("agency_update", context).body
    assert body.startswith("Hi Hannah,\n\n") and "Brightpath Talent on my side" in body


def test_round_dates_are_in_the_rounds_own_zone(store):
    from models.application import Application
    from models.interview import Interviewer, InterviewRound

    app = Application.create(company="Tern Travel", role="Backend Engineer")
    # 03:30 UTC on Monday 2 March is still Sunday 1 March in New York.
    when = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    rnd = InterviewRound.create(application=app, title="Call", starts_at=when,
                                tz_name="America/New_York", timeframe_value=1,
                                timeframe_unit="weeks")
    person = Interviewer.create(round=rnd, name="Dr. Ada Obi", email="ada@tern.example")
    context = context_for(app.id, rnd.id, person.id, "follow_up")
    assert context["round_date"] == format_day(date(2026, 3, 1))
    assert context["round_date"].startswith("Sunday 1 March")
    assert context["expected_date"] == format_day(date(2026, 3, 8))
    assert context["first_name"] == "Ada" and context["full_name"] == "Dr. Ada Obi"
    assert context["signature"] == "" and context["user_name"] == ""


def test_context_for_refuses_rows_of_another_application(demo_store):
    from services.applications.loading import ApplicationNotFoundError

    _app_row, rnd, people = _lumen()
    orbit = _app("Orbit Health")
    with pytest.raises(placeholders.ContextProblem):
        context_for(orbit.id, rnd.id, None, "thank_you")
    other_round = orbit.rounds.get()
    with pytest.raises(placeholders.ContextProblem):
        context_for(orbit.id, other_round.id, people["Priya Raman"].id, "thank_you")
    with pytest.raises(ApplicationNotFoundError):
        context_for(99999, None, None, "thank_you")


def test_all_builtins_render_for_every_demo_round(demo_store):
    from models.interview import InterviewRound

    ensure_builtin_templates()
    for rnd in InterviewRound.select():
        for person in [*rnd.interviewers, None]:
            for key in BUILTIN_KEYS:
                context = context_for(rnd.application_id, rnd.id,
                                      person.id if person else None, key)
                rendered = templates.render_template(key, context)
                assert rendered.subject and "{{" not in rendered.body


def test_format_day():
    assert format_day(date(2026, 11, 24), today=date(2026, 1, 1)) == "Tuesday 24 November"
    assert format_day(date(2027, 1, 5), today=date(2026, 12, 30)) == "Tuesday 5 January 2027"
    today = clock.today()
    assert str(today.year) not in format_day(today + timedelta(days=0))


def test_first_names_and_discussed_topics():
    assert placeholders.first_name_of("Dr. Helen Park") == "Helen"
    assert placeholders.first_name_of("Ms Ngozi Okoye") == "Ngozi"
    assert placeholders.first_name_of("Prof.") == "Prof."
    assert placeholders.first_name_of("") == ""
    clean = placeholders._clean_discussed
    assert clean("The churn dashboard.") == "the churn dashboard"
    assert clean("HIPAA audits") == "HIPAA audits"
    assert clean("Google Cloud costs") == "Google Cloud costs"
    assert clean("JavaScript\nbuild tools ") == "JavaScript build tools"
    assert clean("Their HIPAA audit") == "their HIPAA audit"
    assert clean("Async Python") == "Async Python"
    assert clean("") == ""


def test_jinja_and_rapidfuzz_are_not_loaded_at_start_up():
    """The composer's libraries load when it opens, not when the app starts."""
    from tests.conftest import ROOT, subprocess_env

    code = (
        "import sys\n"
        "import main, ui.shell.app, ui.shell.main_window, ui.shell.views\n"
        "print('jinja2' in sys.modules, 'rapidfuzz' in sys.modules)\n"
        "import services.mail.drafts, services.mail.agency, services.mail.thanked\n"
        "import services.mail.mail_program, services.mail.placeholders\n"
        "print('jinja2' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, env=subprocess_env(), timeout=60)
    assert result.stdout.split() == ["False", "False", "False"], result.stderr
