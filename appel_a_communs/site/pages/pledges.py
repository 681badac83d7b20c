"""A table of pledges, as a common's page and an actor's page show it: each row decided.

A pledge shows on its common's page and on its actor's page, with the same cells; only the
link cell differs (its actor on the one, its common on the other). The plugin renders each
pledge's cells once (``pledge_cells``), so a ``PledgeLine`` holds what they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from appel_a_communs.content.models import Pledge
from appel_a_communs.funding.engine import CommonFunding

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class PledgeLine:
    """A pledge's own cells: its role, what it gives, its date and, when the call has
    several rounds, its round."""

    pledge: Pledge
    counted: bool
    """Its money counts: firm, or its condition is met (``pending`` otherwise)."""
    several_rounds: bool
    """The call has several rounds: the row has a round cell."""
    round_name: str
    """The name of its round ("" when the call has one round or none)."""
    condition_goal: str | None
    """The goal its condition waits for, as its common's budget words it in the pledge's
    round: "minimum" or "stretch", or "goal" when the common has one goal (its minimum
    and stretch goals are one); None when the condition names no goal."""
    withdrawn: date | None = None
    """The day it was withdrawn, when the build's day has reached it: the row says so, and
    its money counts nowhere (None: it stands)."""

    @property
    def id(self) -> str:
        """The pledge's id: the key under which its cells are rendered once."""
        return self.pledge.id


@dataclass(frozen=True)
class PledgeRow:
    """A row of a pledge table: the pledge's line and whom the row links to."""

    line: PledgeLine
    link_slug: str
    """The actor's slug on a common's page, the common's on an actor's."""
    link_name: str


@dataclass(frozen=True)
class PledgeTable:
    who: Literal["actor", "common"]
    """What the first column names: the actor (a common's page) or the common (an actor's)."""
    several_rounds: bool
    rows: list[PledgeRow]


def pledge_line(view: CatalogueView, pledge: Pledge) -> PledgeLine:
    several = view.several_rounds
    round_slug = view.pledge_rounds.get(pledge.id)
    name = view.round_name(round_slug) if several else None
    condition = pledge.money.condition if pledge.money else None
    goal = condition.total_at_least if condition else None
    if goal in ("minimum", "stretch"):
        result = view.result_in(pledge.common, round_slug)
        goal = goal_word(goal, result)
    else:
        goal = None
    withdrawn = pledge.withdrawn if pledge.id in view.withdrawn else None
    return PledgeLine(pledge, pledge.id in view.counted, several, name or "", goal, withdrawn)


def goal_word(goal: str, result: CommonFunding | None) -> str:
    """How a condition on a common's ``goal`` ("minimum" or "stretch") names it: "goal"
    when the common has one goal, its minimum and stretch goals being one (a minimum of
    nothing stays "minimum": that condition is met from the start)."""
    if result is None or result.has_minimum_goal or not result.has_goal:
        return goal
    if goal == "minimum" and result.minimum <= 0:
        return goal
    return "goal"


def pledge_table(
    view: CatalogueView, pledges: Iterable[Pledge], who: Literal["actor", "common"]
) -> PledgeTable:
    """The pledges of a common (``who``: "actor") or of an actor ("common"), in order."""
    if who == "actor":
        rows = [
            PledgeRow(pledge_line(view, p), p.actor, view.actors_by_slug[p.actor].name)
            for p in pledges
        ]
    else:
        rows = [
            PledgeRow(pledge_line(view, p), p.common, view.commons_by_slug[p.common].title)
            for p in pledges
        ]
    return PledgeTable(who, view.several_rounds, rows)
