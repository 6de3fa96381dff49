"""A user's template always finishes: ranges, loop steps, text size and time are limited
(services.mail.template_sandbox), and each limit is a sentence pointing at the line."""

from __future__ import annotations

import pytest

from services.mail import placeholders, template_rendering, template_sandbox, templates

CONTEXT = placeholders.sample_context()


def problem(body: str) -> template_rendering.TemplateProblem:
    with pytest.raises(template_rendering.TemplateProblem) as caught:
        template_rendering.render("Subject", body, CONTEXT)
    return caught.value


def test_nested_hundred_thousand_loops_stop_at_the_range_with_a_sentence():
    found = problem("Hello\n{% for i in range(100000) %}{% for j in range(100000) %}x"
                    "{% endfor %}{% endfor %}")
    assert found.line == 2
    assert found.message == ("Line 2: the template asks for 100,000 numbers with range(); a "
                             "template may count to at most 1,000.")


@pytest.mark.parametrize("body", [
    "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
    # no range() at all: loops over long texts
    "{% for a in 'x' * 1000 %}{% for b in 'y' * 1000 %}{% endfor %}{% endfor %}",
    "{% for a in (company ~ company) * 30 %}{% for b in role * 20 %}{% endfor %}{% endfor %}",
])
def test_all_loops_together_have_a_budget_of_steps(body):
    found = problem(body)
    assert "loops repeat more than 10,000 times in all" in found.message
    assert found.message.startswith("Line 1: ")


@pytest.mark.parametrize(("body", "words"), [
    ("{% for i in range(1000) %}{{ company * 100 }}{% endfor %}",
     "an email may have at most 100,000"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
     "{% endfor %}", "an email may have at most 100,000"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
     "{% endfor %}", "an email may have at most 100,000"),
    ("{{ ('x' * 100000)|replace('', 'yy') }}", "an email may have at most 100,000"),
    ("{{ range(1000)|join('x' * 1000) }}", "an email may have at most 100,000"),
    ("{{ 'x'|center(1000000000) }}", "the number 1,000,000,000 is too large"),
    ("{{ 'x'.ljust(1000000000) }}", "the number 1,000,000,000 is too large"),
    ("{{ '%1000000000s' % company }}", "wider than any email"),
    ("{{ '{:>1000000000}'.format(company) }}", "wider than any email"),
])
def test_no_text_grows_past_the_limit(body, words):
    assert words in problem(body).message


def test_a_slow_template_is_stopped_after_the_time_limit(monkeypatch):
    # A budget of no time at all: the first check after any work stops the rendering.
    monkeypatch.setattr(template_sandbox, "MAX_SECONDS", 0)
    with pytest.raises(template_rendering.TemplateProblem) as caught:
        template_rendering.render("", "{% for i in range(900) %}{{ i }}{% endfor %}", CONTEXT)
    assert caught.value.message == (
        "Line 1: filling in the template took longer than 0 seconds, so it was stopped. "
        "Check its {% for %} loops and repetitions.")


def test_ordinary_templates_with_loops_filters_and_formats_still_work():
    body = ("Dear {{ first_name }},{% for i in range(3) %} {{ loop.index }}{% endfor %}\n"
            "{{ company ~ '!' }} {{ company|upper }} {{ '%s at %s' % (role, company) }} "
            "{{ '{} team'.format(company) }} {{ range(4)|join(', ') }} {{ role|center(30) }}")
    rendered = template_rendering.render("Thanks, {{ first_name }}", body, CONTEXT)
    assert rendered.subject == "Thanks, Priya"
    assert rendered.body.startswith("Dear Priya, 1 2 3Lumen Analytics! LUMEN ANALYTICS "
                                    "Senior Data Engineer at Lumen Analytics Lumen Analytics "
                                    "team 0, 1, 2, 3 ")
    for key in templates.BUILTIN_KEYS:
        builtin = templates.builtin_template(key)
        assert template_rendering.check_template(builtin.subject, builtin.body) is None


def test_the_budget_is_per_rendering():
    body = "{% for i in range(900) %}.{% endfor %}"
    for _ in range(20):  # 18,000 steps over twenty renderings: each has its own budget
        assert template_rendering.render("s", body, CONTEXT).body == "." * 900


def test_large_numbers_that_are_not_sizes_are_fine():
    body = ("{{ '{:,}'.format(120000) }} {{ '%d' % 2500000 }} {{ 1500000|filesizeformat }} "
            "{{ [1000000, 2]|max }}")
    assert template_rendering.render("s", body, CONTEXT).body == "120,000 2500000 1.5 MB 1000000"
