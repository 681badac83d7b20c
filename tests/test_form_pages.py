"""The forms' pages decide, for the day of the build, what their round notice and their
"What happens next?" box say (``site.pages.forms``); the templates only word it."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from appel_a_communs.site.pages.forms import NextSteps, RoundNotice, next_steps, round_notice

OPENS, CLOSES = date(2026, 9, 1), date(2027, 6, 30)


def view(state: str | None, name: str | None = "Édition 2026-2027", rounds: int = 2):
    """A view whose next round (open or upcoming) is in ``state`` (None: none is)."""
    found = None
    if state is not None:
        found = SimpleNamespace(
            state=state, slug="r2", round=SimpleNamespace(opens=OPENS, closes=CLOSES)
        )
    return SimpleNamespace(
        rounds=[object()] * rounds, next_round=found, round_name=lambda slug: name
    )


def test_an_open_round_is_named_on_the_pledge_form_only():
    open_ = view("open")
    assert round_notice(open_, "pledge") == RoundNotice("open", "Édition 2026-2027", OPENS, CLOSES)
    assert [round_notice(open_, kind) for kind in ("join", None, "actor")] == [None] * 3


def test_between_rounds_the_pledge_and_join_forms_and_the_forms_page_say_when():
    between = view("upcoming")
    expected = RoundNotice("upcoming", "Édition 2026-2027", OPENS, None)
    assert [round_notice(between, kind) for kind in ("pledge", "join", None)] == [expected] * 3
    assert round_notice(between, "actor") is None
    unnamed = round_notice(view("upcoming", name=None), "pledge")
    assert unnamed == RoundNotice("upcoming", None, OPENS, None)


def test_after_the_last_round_pledges_are_closed_and_a_call_without_rounds_says_nothing():
    assert round_notice(view(None), "join") == RoundNotice("closed", None, None, None)
    assert round_notice(view("open", rounds=0), "pledge") is None


def form(title: str, mode: str):
    return SimpleNamespace(title=title, mode=mode)


def test_next_steps_name_the_forms_that_post_when_the_others_open_on_github():
    github, post = form("Register", "github"), form("Pledge", "post")
    assert next_steps([github, github]) == NextSteps("every", [])
    assert next_steps([github, post]) == NextSteps("some", ["Pledge"])
    assert next_steps([post]) == NextSteps("none", ["Pledge"])
