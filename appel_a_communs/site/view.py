"""The computed view that templates and exports receive: lookups built once per build.

Templates compute nothing: every grouping, ordering and total they show is here
or in the funding engine. Nor do they decide what is private: while a sealed round is
open, the view is built from a copy of the call without its per-actor amounts (see
``sealed_catalogue`` and ``sealed_funding``), so that no template, theme or export can
show one, whether it tests ``call.sealed`` or not. The real amounts serve only to
compute the funding, before the view exists.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from functools import cached_property, partial
from pathlib import Path
from typing import TypeVar, get_args

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.errors import ContentErrors, display_path, site_of
from appel_a_communs.content.loader import read_catalogue
from appel_a_communs.content.models import (
    Actor,
    Budget,
    Campaign,
    Challenge,
    Common,
    Pledge,
    Review,
    Round,
)
from appel_a_communs.content.reading import MAX_FILE_SIZE
from appel_a_communs.content.rounds import review_round
from appel_a_communs.content.types import ActorKind, NeedKind, Role
from appel_a_communs.funding.eligibility import Checklist, check_eligibility
from appel_a_communs.funding.engine import ActorFunding, CommonFunding, Funding, roles_by_common
from appel_a_communs.funding.evaluation import CommonEvaluation, evaluate
from appel_a_communs.funding.followup import (
    FollowUp,
    MoneyStages,
    add_stages,
    check_reports,
    follow_up,
    money_stages,
)
from appel_a_communs.funding.rounds import (
    CallFunding,
    RoundFunding,
    check_rules,
    compute_rounds,
    shown_funding,
)
from appel_a_communs.i18n import DEFAULT_LOCALE, translations
from appel_a_communs.site.charts import BarChart, BarInput, FlowChart, bar_chart, flow_chart
from appel_a_communs.site.reporting import RoundReport, round_reports

ROLE_ORDER: tuple[str, ...] = get_args(Role)
KIND_ORDER: tuple[str, ...] = get_args(ActorKind)
NEED_ORDER: tuple[str, ...] = get_args(NeedKind)
CLOSEST_TO_GOAL = 4
CHART_ROWS = 40
"""Commons drawn in the funding page's bar chart; the table below lists them all."""


def _title_key(item: Challenge | Common) -> str:
    return item.title.casefold()


@dataclass(frozen=True)
class RoundView:
    """One round as its pages show it: ``view`` is the round's own listing (its pledges,
    budgets, allowances, charts, and its funding as published), sealed if it is. It holds
    nothing of the ``funding.rounds.RoundFunding`` it was built from, whose amounts are
    real: a template that prints all it is given shows no sealed amount."""

    round: Round | None
    """The round as published (without its allowances while sealed); None for a call
    without rounds."""
    state: str
    """upcoming, open or closed."""
    current: bool
    view: Listing

    @property
    def slug(self) -> str | None:
        return self.round.slug if self.round else None

    @property
    def funding(self) -> Funding:
        return self.view.funding

    @property
    def sealed(self) -> bool:
        return self.view.sealed


@dataclass(frozen=True)
class ReviewEntry:
    review: Review
    round: str | None
    """The slug of the round it belongs to (``content.rounds.review_round``)."""


@dataclass(frozen=True)
class ReviewDate:
    """A review date (a *relevé*): what was decided on it, or what waits for it."""

    date: date
    round: str | None
    decisions: list[tuple[Common, Review]]
    upcoming: bool
    waiting: list[Common]
    """For the next review date only: the proposals of the current round not decided yet."""


@dataclass(frozen=True)
class EngagementTotal:
    """An actor's engagement over every round: amounts None when one round hides them."""

    commons: int
    """Distinct commons supported, in any round."""
    allocated: Decimal | None
    secured: Decimal | None
    skills_days: Decimal
    means_value: Decimal | None
    activations: int


@dataclass(frozen=True)
class Engagement:
    rounds: list[tuple[RoundView, ActorFunding]]
    """The actor's record in each round it pledged in."""
    total: EngagementTotal


@dataclass(frozen=True)
class StatementLine:
    """What an actor pledged, confirmed and paid to one common in one round."""

    round: str | None
    common: Common
    money: MoneyStages
    """Amounts None while the round is sealed."""
    pledges: list[Pledge]
    """The actor's money pledges to the common in that round, in order."""


@dataclass(frozen=True)
class ActorStatement:
    """An actor's statement for its accounts: per common and round, then per round and
    in total. Built from the published pledges: a sealed round's amounts are None."""

    lines: list[StatementLine]
    """By round (in order), then by the common's title."""
    rounds: list[tuple[str | None, MoneyStages]]
    """Each round the actor pledged money in, and its totals there."""
    total: MoneyStages

    @property
    def by_round(self) -> list[tuple[str | None, MoneyStages, list[StatementLine]]]:
        """Each round with its totals and its lines: the statement page's table per round."""
        return [
            (slug, money, [line for line in self.lines if line.round == slug])
            for slug, money in self.rounds
        ]


@dataclass(frozen=True)
class Listing:
    """One catalogue with its funding, sorted, grouped and charted: the call's, or one
    round's (``RoundView.view``).

    While ``sealed``, every per-actor amount in it is None: the ``money.amount`` and
    ``means.value`` of each pledge, each actor's ``allowance``, and the ``allowance``,
    ``allocated``, ``remaining``, ``secured`` and ``means_value`` of each of
    ``funding.actors``; ``flow_chart`` is None. The commons' funding and the call's
    totals are public, and stay. A template shows "Sealed amount" where it finds None.
    """

    catalogue: Catalogue
    """The call as published: without its per-actor amounts while sealed."""
    funding: Funding
    """The computed funding, from the real amounts; ``actors`` as published."""
    today: date
    challenges: list[Challenge]
    """Open challenges first, then by title."""
    commons: list[Common]
    actors: list[Actor]
    commons_by_challenge: dict[str, list[Common]]
    pledges_by_common: dict[str, list[Pledge]]
    pledges_by_actor: dict[str, list[Pledge]]
    working_group: dict[str, list[tuple[str, list[Actor]]]]
    """Common slug → (role, actors with a pledge in that role), roles in a fixed order."""
    supported_commons: dict[str, list[tuple[Common, tuple[str, ...]]]]
    """Actor slug → (common, the actor's roles in it), in every round of the catalogue."""
    actors_by_kind: list[tuple[str, list[Actor]]]
    open_challenges: list[Challenge]
    closest_to_goal: list[Common]
    by_closeness: list[Common]
    """Commons with a goal, not archived, the closest to their minimum first."""
    closeness_rows: list[Common]
    """The commons of the funding page's chart and table: the closest to their goal."""
    bar_chart: BarChart
    challenge_chart: BarChart
    """Funding summed over the commons of each challenge (a common answering two
    challenges counts in both)."""
    flow_chart: FlowChart | None
    """Funders to commons; None while a sealed round hides per-actor amounts."""
    engaged_actors: list[Actor]
    """Actors with at least one pledge, the most engaged first (commons, then activations)."""
    groups: list[tuple[Challenge, list[Common]]]
    """The catalogue without JavaScript: each common under its first challenge."""
    facets: dict[str, dict[str, str]]
    """Each common's filter values, as the catalogue's data attributes read them."""
    options: dict[str, list[str]]
    """The values each filter offers, from the content."""
    open_needs: list[tuple[str, list[tuple[Common, str]]]]
    """Needs of the commons that are not archived, by kind: (common, description)."""
    declined: list[Common]
    """The commons a closed round's own review declined (status ``declined``), by title."""

    @property
    def sealed(self) -> bool:
        return self.funding.sealed

    @property
    def currency(self) -> str:
        return self.catalogue.currency

    @property
    def actors_by_slug(self) -> dict[str, Actor]:
        return self.catalogue.actors

    @property
    def commons_by_slug(self) -> dict[str, Common]:
        return self.catalogue.commons

    @property
    def challenges_by_slug(self) -> dict[str, Challenge]:
        return self.catalogue.challenges


@dataclass(frozen=True)
class CatalogueView(Listing):
    """Everything templates and exports receive: the call's listing, whose lists and
    charts (``ROUND_FIELDS``) are those of the round the call runs now, and what spans
    rounds. Built once, by ``build_view``."""

    next_round: RoundView | None
    """Where a pledge made today goes: the open round, else the next one to open (None:
    none open or announced, or a call without rounds)."""
    counted: frozenset[str]
    """Ids of the money pledges that count, in whichever round each belongs to."""
    withdrawn: frozenset[str]
    """Ids of the pledges withdrawn by the build's day: listed, marked withdrawn, counted
    nowhere."""
    rounds: list[RoundView]
    """Every round of the call by opening date (none for a call without rounds)."""
    current_round: RoundView | None
    """The round the call runs now (``content.rounds.current_round``); ``funding`` holds
    its totals and matching, and each common's result in it, or in the last round the
    common took part in."""
    round_results: dict[str, list[tuple[RoundView, CommonFunding]]]
    """Common slug → its result in each round it takes part in, in order."""
    page_rounds: dict[str, RoundView]
    """Common slug → the round whose result ``funding.commons`` holds for it, which its
    page shows: the current round, or the last one it took part in (absent: a call
    without rounds, or a common in no round)."""
    pledge_rounds: dict[str, str | None]
    """Pledge id → the slug of its round."""
    reviews: dict[str, list[ReviewEntry]]
    """Common slug → its review history, oldest first."""
    review_dates: list[ReviewDate]
    """Every review date: those the rounds announce and those decisions were taken on."""
    next_review: date | None
    eligibility: dict[str, Checklist]
    """Common slug → its checklist of the current round's criteria (empty: no criteria)."""
    not_eligible: list[Common]
    """The commons of the current round that do not meet a criterion yet."""
    engagement: dict[str, Engagement]
    """Actor slug → its engagement per round and in total."""
    follow_up: dict[str, FollowUp]
    """Common slug → what became of it: deliverables, money paid and spent, reports, its
    timeline (``funding.followup``)."""
    statements: dict[str, ActorStatement]
    """Actor slug → its statement: pledged, confirmed, paid, per common and round."""
    round_reports: dict[str | None, RoundReport]
    """Round slug → its report for the funders: per common, what was promised, secured,
    paid, delivered and reported in it, and its totals (``site.reporting``); a call
    without rounds has one, under None."""
    evaluations: dict[str, list[CommonEvaluation]]
    """Round slug → its jury's results, ranked (``funding.evaluation``): rounds with a jury
    and scores only. Anonymous: no reviewer's id; the catalogue's own scores are left out
    of the view (``_listing``)."""

    def evaluation_of(self, slug: str, round_slug: str | None) -> CommonEvaluation | None:
        """The jury's result for the common in that round (None: not scored there)."""
        return self._evaluation_index.get((round_slug or "", slug))

    @cached_property
    def _evaluation_index(self) -> dict[tuple[str, str], CommonEvaluation]:
        return {(e.round, e.common): e for found in self.evaluations.values() for e in found}

    def ranked_count(self, round_slug: str | None) -> int:
        """How many commons of the round have a total from its jury."""
        return self._ranked_counts.get(round_slug or "", 0)

    @cached_property
    def _ranked_counts(self) -> dict[str, int]:
        return {
            slug: sum(1 for e in found if e.complete) for slug, found in self.evaluations.items()
        }

    @property
    def several_rounds(self) -> bool:
        """The call has several rounds: its pages name the round of each figure."""
        return len(self.rounds) > 1

    @property
    def campaign(self) -> Campaign | None:
        """The round the call runs now (``campaign.yml``, or a file of ``rounds/``)."""
        if self.current_round is not None:
            return self.current_round.round
        return self.catalogue.campaign

    # What a common's page shows, decided once: its template, its funding.json and its
    # JSON-LD read these.

    def shown_round(self, slug: str) -> RoundView | None:
        """The round whose result the common's page shows (``funding.commons[slug]``): the
        current round, or the last one it took part in; None in a call without rounds."""
        return self.page_rounds.get(slug)

    def shown_slug(self, slug: str) -> str | None:
        """The slug of the common's ``shown_round`` (None: none), as the data files name it."""
        shown = self.page_rounds.get(slug)
        return shown.slug if shown else None

    def shown_budget(self, slug: str) -> Budget | None:
        """The budget the common's page shows: that of its ``shown_round``, or its own in a
        call without rounds (None: it has none)."""
        shown = self.shown_round(slug)
        common = (shown.view if shown else self).commons_by_slug[slug]
        return common.budget

    def round_name(self, slug: str | None) -> str | None:
        """How a round is named everywhere, the one place that decides it: pages (through
        ``call.round_name`` in the templates), data, feeds, widgets and workbook titles.
        Its name, else its slug when the call has files in rounds/ (a file's name names
        it); None for a ``campaign.yml`` without a name, or a call without rounds (its one
        round needs no name): ``campaign`` is an internal slug, never shown."""
        found = next((r for r in self.rounds if r.slug == slug), None) if slug else None
        if found is None or found.round is None:
            return None
        return found.round.name or (found.slug if self.catalogue.rounds else None)

    def matching_in(self, slug: str, round_slug: str | None) -> Decimal | None:
        """The common's matching in that round (its estimate until the round closes, then
        what it got), as the round's report shows it; None when the round has no
        matching or the common took no part in it."""
        if not self.rounds:
            result = self.funding.commons.get(slug)
            return result.matching_estimate if result and self.funding.matching else None
        for each, result in self.round_results.get(slug, []):
            if each.slug == round_slug:
                return result.matching_estimate if each.funding.matching else None
        return None

    def matches_in(self, slug: str, round_slug: str | None) -> tuple[tuple[str, Decimal], ...]:
        """The common's matching in that round funder by funder (``matching_in``'s parts):
        (funder, its match) for each pool that may fund it; () without matching."""
        result = self.result_in(slug, round_slug)
        return result.matches if result is not None else ()

    def result_in(self, slug: str, round_slug: str | None) -> CommonFunding | None:
        """The common's result in that round (a call without rounds: its only one); None
        when it took no part in it."""
        if not self.rounds:
            return self.funding.commons.get(slug)
        return next((f for r, f in self.round_results.get(slug, []) if r.slug == round_slug), None)

    def shows_secured(self, slug: str, round_slug: str | None) -> bool:
        """Whether the common's page shows its secured money in that round: a row of the
        table of its other rounds, the funding block of the round it shows (when the common
        has a goal there), or the follow-up of that round."""
        if self.rounds and round_slug != self.shown_slug(slug):
            return True
        results = {r.slug: f for r, f in self.round_results.get(slug, [])}
        result = results.get(round_slug) if self.rounds else self.funding.commons.get(slug)
        if result is not None and result.bar is not None:
            return True
        follow = self.follow_up.get(slug)
        return follow is not None and any(r.round == round_slug for r in follow.followed_rounds)


def load_call(
    content: Path | str,
    today: date,
    cache_folder: Path | None = None,
    locale: str = DEFAULT_LOCALE,
    processes: int = 1,
    max_file_size: int = MAX_FILE_SIZE,
) -> CatalogueView:
    """Load a call, compute its funding and check its round rules, or raise ContentErrors
    with every error at once: the files', and the round rules' on what is valid (a file
    with errors is absent from them, see ``content.checks.valid_part``)."""
    loaded = read_catalogue(content, cache_folder, processes, max_file_size)
    catalogue = loaded.catalogue
    call = compute_rounds(catalogue, today)
    # other files named in a message are named from the site, as the errors' own files
    name = partial(display_path, site=site_of(content))
    errors = [*loaded.errors, *check_rules(call, name), *check_reports(catalogue, call, name)]
    if errors:
        raise ContentErrors(errors)
    return build_view(catalogue, today, call, locale)


ROUND_FIELDS = (
    "closest_to_goal",
    "by_closeness",
    "closeness_rows",
    "bar_chart",
    "challenge_chart",
    "flow_chart",
    "engaged_actors",
)
"""What the call's view takes from its current round's listing: the home page's and the
funding page's lists and charts speak of the round the call runs now."""


def build_view(
    catalogue: Catalogue, today: date, call: CallFunding | None = None, locale: str = DEFAULT_LOCALE
) -> CatalogueView:
    """What the templates show; ``locale`` names the few labels computed here.

    Built in one pass: the call's listing, each round's view (its listing wrapping its
    funding), then what spans rounds, then the view, once. The funding of each round is
    computed from ``catalogue`` as it is; while a round is sealed (open or upcoming), its
    pledges' amounts and the actors' allowances are None in the view, its round view is
    built from ``sealed_catalogue`` and ``sealed_funding`` alone, and no other round shows
    an allowance it took from the actor's own."""
    call = call or compute_rounds(catalogue, today)
    sealed = [r for r in call.rounds if r.round is not None and r.funding.sealed]
    funding = shown_funding(call, catalogue)
    sealed_ids = None
    if sealed:
        sealed_ids = {p for r in sealed for p in (*r.catalogue.pledges, *r.catalogue.withdrawn)}
        funding = replace(funding, sealed=True)
    withdrawn = frozenset(p for r in call.rounds for p in r.catalogue.withdrawn)
    listing = _listing(
        catalogue, today, funding, locale, sealed_ids, {r.slug for r in sealed}, withdrawn
    )
    rounds = _round_views(call, listing, bool(sealed), today, locale)
    current = next(r for r in rounds if r.current)
    spans = _round_parts(listing, call, rounds, today, withdrawn)
    values = {f.name: getattr(listing, f.name) for f in fields(Listing)}
    values.update((name, getattr(current.view, name)) for name in ROUND_FIELDS)
    values.update(_eligible_facet(listing, spans["eligibility"]))
    reports = round_reports(spans["rounds"], listing.commons, listing.funding, spans["follow_up"])
    evaluations = evaluate(catalogue)
    return CatalogueView(**values, **spans, round_reports=reports, evaluations=evaluations)


def _round_views(
    call: CallFunding, listing: Listing, sealed: bool, today: date, locale: str
) -> list[RoundView]:
    """Each round's view, by opening date: a call of one round (or none) is its listing."""
    if len(call.rounds) == 1:
        only = call.current
        return [RoundView(_published(only), only.state, True, listing)]
    found = []
    for result in call.rounds:
        round_catalogue, round_funding = result.catalogue, result.funding
        if sealed and not result.funding.sealed:
            round_catalogue, round_funding = without_default_allowances(result)
        round_listing = _listing(round_catalogue, today, round_funding, locale)
        found.append(RoundView(_published(result), result.state, result.current, round_listing))
    return found


def _eligible_facet(listing: Listing, checklists: dict[str, Checklist]) -> dict:
    """The catalogue's facets and filters, with the "eligible" filter when the current
    round has criteria: a common outside the current round has no checklist, and no value."""
    if not checklists:
        return {"facets": listing.facets, "options": listing.options}
    facets = {
        slug: {**values, "eligible": ("eligible" if checklists[slug].eligible else
                                      "not-eligible") if slug in checklists else ""}
        for slug, values in listing.facets.items()
    }  # fmt: skip
    options = {**listing.options, "eligible": ["eligible", "not-eligible"]}
    return {"facets": facets, "options": options}


def without_default_allowances(result: RoundFunding) -> tuple[Catalogue, Funding]:
    """A round beside a sealed one, without the allowances it takes from the actors' own:
    those are the sealed round's too. The allowances of its own ``allowances`` stay."""
    own = result.round.allowances if result.round else {}
    actors = {
        slug: actor if slug in own else sealed_actor(actor)
        for slug, actor in result.catalogue.actors.items()
    }
    funding = replace(
        result.funding,
        actors={
            slug: f if slug in own else replace(f, allowance=None, remaining=None)
            for slug, f in result.funding.actors.items()
        },
    )
    return replace(result.catalogue, actors=actors), funding


def _published(result: RoundFunding) -> Round | None:
    """The round as templates see it: without its allowances while it is sealed."""
    if result.round is not None and result.funding.sealed:
        return sealed_round(result.round)
    return result.round


def _round_parts(
    listing: Listing,
    call: CallFunding,
    rounds: list[RoundView],
    today: date,
    withdrawn: frozenset[str] = frozenset(),
) -> dict:
    """The view's fields that span rounds: results, reviews, eligibility, engagement;
    ``withdrawn``: the ids of the pledges withdrawn by ``today``."""
    by_slug = {r.slug: r for r in rounds}
    current = next(r for r in rounds if r.current)
    has_rounds = current.round is not None
    results = {
        c.slug: [(by_slug[r.slug], result) for r, result in call.of_common(c.slug)]
        for c in listing.commons
    }
    pledge_rounds = {
        p: r.slug for r in call.rounds for p in (*r.catalogue.pledges, *r.catalogue.withdrawn)
    }
    round_list = [r.round for r in rounds if r.round is not None]
    reviews = {
        c.slug: [
            ReviewEntry(review, found.slug if (found := review_round(round_list, review)) else None)
            for review in sorted(c.reviews, key=lambda r: r.date)
        ]
        for c in listing.commons
    }
    page_rounds = {}
    if has_rounds:
        for common in listing.commons:
            shown = call.shown_round(common.slug)
            if shown is not None:
                page_rounds[common.slug] = by_slug[shown.slug]
    return {
        "counted": call.counted,
        "withdrawn": withdrawn,
        "next_round": next(
            (r for r in rounds if r.round is not None and r.state != "closed"), None
        ),
        "rounds": rounds if has_rounds else [],
        "current_round": current if has_rounds else None,
        "round_results": results if has_rounds else {},
        "page_rounds": page_rounds,
        "pledge_rounds": pledge_rounds,
        "reviews": reviews,
        **_review_dates(listing, current, round_list, reviews, today),
        **_eligibility(listing, current),
        "engagement": _engagement(listing, rounds, withdrawn) if has_rounds else {},
        "follow_up": follow_up(listing.catalogue, call, today, reviews),
        "statements": _statements(
            listing,
            pledge_rounds,
            [r.slug for r in rounds],
            call.counted,
            withdrawn,
        ),
    }


def _statements(
    view: Listing,
    pledge_rounds: dict[str, str | None],
    order: list[str | None],
    counted: frozenset[str],
    withdrawn: frozenset[str] = frozenset(),
) -> dict[str, ActorStatement]:
    """Each actor's money pledges grouped by round and common, from the published (sealed)
    pledges: what is hidden on the pages is hidden in the statement; a withdrawn pledge
    (``withdrawn``: ids) is listed, and its money counts in no total."""
    position = {slug: i for i, slug in enumerate(order)}
    found = {}
    for actor in view.actors:
        groups: dict[tuple[str | None, str], list[Pledge]] = defaultdict(list)
        for pledge in view.pledges_by_actor.get(actor.slug, []):
            if pledge.money is not None:
                groups[(pledge_rounds.get(pledge.id), pledge.common)].append(pledge)
        lines = sorted(
            (StatementLine(round_slug, view.commons_by_slug[common],
                           money_stages([p for p in pledges if p.id not in withdrawn], counted),
                           pledges)
             for (round_slug, common), pledges in groups.items()),
            key=lambda line: (position.get(line.round, 0), _title_key(line.common)),
        )  # fmt: skip
        per_round = [
            (slug, add_stages(line.money for line in lines if line.round == slug))
            for slug in order
            if any(line.round == slug for line in lines)
        ]
        found[actor.slug] = ActorStatement(
            lines, per_round, add_stages(line.money for line in lines)
        )
    return found


def _review_dates(
    view: Listing,
    current: RoundView,
    rounds: list[Round],
    reviews: dict[str, list[ReviewEntry]],
    today: date,
) -> dict:
    announced = {(day, r.slug) for r in rounds for day in r.reviews}
    decided: dict[date, list[tuple[Common, Review]]] = defaultdict(list)
    round_of_day: dict[date, str | None] = dict(announced)
    for common in view.commons:
        for entry in reviews[common.slug]:
            decided[entry.review.date].append((common, entry.review))
            round_of_day.setdefault(entry.review.date, entry.round)
    upcoming = sorted(day for day in round_of_day if day >= today and day not in decided)
    next_review = upcoming[0] if upcoming else None
    in_current = set(current.view.catalogue.commons)
    waiting = [
        c
        for c in view.commons
        if c.stage == "proposed"
        and c.slug in in_current
        and not any(
            e.round == current.slug and e.review.decision in ("accepted", "declined")
            for e in reviews[c.slug]
        )
    ]
    dates = [
        ReviewDate(
            day,
            round_of_day[day],
            sorted(decided.get(day, []), key=lambda item: _title_key(item[0])),
            day not in decided and day >= today,
            waiting if day == next_review else [],
        )
        for day in sorted(round_of_day)
    ]
    return {"review_dates": dates, "next_review": next_review}


def _eligibility(view: Listing, current: RoundView) -> dict:
    """The current round's checklist for each common taking part in it."""
    criteria = current.round.eligibility if current.round else None
    if criteria is None or not criteria.any:
        return {"eligibility": {}, "not_eligible": []}
    round_commons = current.view.catalogue.commons
    checklists = {}
    for common in view.commons:
        if common.slug not in round_commons:
            continue
        group = {a.slug for _, actors in view.working_group[common.slug] for a in actors}
        open_challenges = sum(
            1 for slug in common.challenges if view.challenges_by_slug[slug].status == "open"
        )
        minimum = current.funding.commons[common.slug].minimum
        checklists[common.slug] = check_eligibility(
            round_commons[common.slug], criteria, len(group), open_challenges, minimum
        )
    not_eligible = [
        c for c in view.commons if c.slug in checklists and not checklists[c.slug].eligible
    ]
    return {"eligibility": checklists, "not_eligible": not_eligible}


def _sum_or_none(values: list[Decimal | None]) -> Decimal | None:
    if any(v is None for v in values):
        return None
    return sum(values, Decimal(0))  # type: ignore[arg-type]


def _engagement(
    view: Listing, rounds: list[RoundView], withdrawn: frozenset[str] = frozenset()
) -> dict[str, Engagement]:
    """Each actor's record per round, and in total: sums, commons counted once; a round
    where all its pledges are withdrawn is none of its record."""
    found = {}
    for actor in view.actors:
        own = [
            (r, r.funding.actors[actor.slug])
            for r in rounds
            if any(p.id not in withdrawn for p in r.view.pledges_by_actor.get(actor.slug, []))
        ]
        records = [f for _, f in own]
        found[actor.slug] = Engagement(
            own,
            EngagementTotal(
                commons=len(view.supported_commons[actor.slug]),
                allocated=_sum_or_none([f.allocated for f in records]),
                secured=_sum_or_none([f.secured for f in records]),
                skills_days=sum((f.skills_days for f in records), Decimal(0)),
                means_value=_sum_or_none([f.means_value for f in records]),
                activations=sum(f.activations for f in records),
            ),
        )
    return found


def _listing(
    catalogue: Catalogue,
    today: date,
    funding: Funding,
    locale: str,
    sealed_ids: set[str] | None = None,
    sealed_rounds: set[str] | None = None,
    withdrawn: frozenset[str] = frozenset(),
) -> Listing:
    """The listing of one catalogue (the call's, or one round's) and its funding; while
    ``funding`` is sealed, built from ``sealed_catalogue`` (only the pledges of
    ``sealed_ids``, if given) and ``sealed_funding`` alone.

    A withdrawn pledge (in ``withdrawn``, or set apart in ``catalogue.withdrawn``) stays
    listed, in ``pledges_by_common`` and ``pledges_by_actor``, but makes its actor neither a
    member of the common's working group, nor a supporter of the common, nor engaged."""
    if catalogue.withdrawn:  # a round's catalogue, which set them apart: listed again
        withdrawn = withdrawn | frozenset(catalogue.withdrawn)
        catalogue = replace(
            catalogue,
            pledges={**catalogue.pledges, **catalogue.withdrawn},
            withdrawn={},
            standing_on=None,
        )
    catalogue = without_members(catalogue)
    if catalogue.evaluations:  # who scored what is never published: the view's results only
        catalogue = replace(catalogue, evaluations={})
    if funding.sealed:
        catalogue = sealed_catalogue(catalogue, sealed_ids, sealed_rounds)
        funding = sealed_funding(funding)
    commons = sorted(catalogue.commons.values(), key=_title_key)
    actors = sorted(catalogue.actors.values(), key=lambda a: a.name.casefold())
    challenges = sorted(
        catalogue.challenges.values(), key=lambda c: (c.status != "open", _title_key(c))
    )

    commons_by_challenge: dict[str, list[Common]] = defaultdict(list)
    for common in commons:
        for slug in common.challenges:
            commons_by_challenge[slug].append(common)

    pledges = catalogue.pledges_in_order
    pledges_by_common = catalogue.pledges_by_common
    pledges_by_actor = catalogue.pledges_by_actor
    standing = [p for p in pledges if p.id not in withdrawn]
    standing_by_actor: dict[str, list[Pledge]] = defaultdict(list)
    by_role: dict[str, dict[str, dict[str, Actor]]] = defaultdict(lambda: defaultdict(dict))
    for pledge in standing:
        standing_by_actor[pledge.actor].append(pledge)
        by_role[pledge.common][pledge.role][pledge.actor] = catalogue.actors[pledge.actor]

    working_group = {
        slug: [
            (role, sorted(by_role[slug][role].values(), key=lambda a: a.name.casefold()))
            for role in ROLE_ORDER
            if by_role[slug].get(role)
        ]
        for slug in catalogue.commons
    }
    supported_commons = {
        slug: sorted(
            (
                (catalogue.commons[common], roles)
                for common, roles in roles_by_common(standing_by_actor.get(slug, [])).items()
            ),
            key=lambda item: _title_key(item[0]),
        )
        for slug in catalogue.actors
    }
    by_kind: dict[str, list[Actor]] = defaultdict(list)
    for actor in actors:
        by_kind[actor.kind].append(actor)

    by_closeness = sorted(
        (c for c in commons if c.stage != "archived" and funding.commons[c.slug].has_goal),
        key=lambda c: -(funding.commons[c.slug].percent_goal or 0),
    )
    candidates = [
        c for c in by_closeness if c.stage == "accepted" and not funding.commons[c.slug].funded
    ]
    labels = {a.slug: a.name for a in actors} | {c.slug: c.title for c in commons}
    engaged = [a for a in actors if standing_by_actor.get(a.slug)]
    engaged.sort(
        key=lambda a: (-len(funding.actors[a.slug].roles), -funding.actors[a.slug].activations)
    )

    groups = [
        (challenge, [c for c in commons_by_challenge.get(challenge.slug, [])
                     if c.challenges[0] == challenge.slug])
        for challenge in challenges
    ]  # fmt: skip
    facets = {c.slug: facet_values(c, funding.commons[c.slug]) for c in commons}
    options = {
        key: sorted({v for f in facets.values() for v in f[key].split() if v})
        for key in ("status", "maturity", "type", "need", "progress")
    }
    options["license"] = sorted({c.license for c in commons if c.license})
    needs: dict[str, list[tuple[Common, str]]] = defaultdict(list)
    for common in commons:
        if common.stage != "archived":
            for need in common.needs:
                needs[need.kind].append((common, need.description))

    closeness_rows = by_closeness[:CHART_ROWS]
    return Listing(
        catalogue=catalogue,
        funding=funding,
        today=today,
        challenges=challenges,
        commons=commons,
        actors=actors,
        commons_by_challenge=dict(commons_by_challenge),
        pledges_by_common=pledges_by_common,
        pledges_by_actor=pledges_by_actor,
        working_group=working_group,
        supported_commons=supported_commons,
        actors_by_kind=[(kind, by_kind[kind]) for kind in KIND_ORDER if by_kind.get(kind)],
        open_challenges=[c for c in challenges if c.status == "open"],
        closest_to_goal=candidates[:CLOSEST_TO_GOAL],
        by_closeness=by_closeness,
        closeness_rows=closeness_rows,
        bar_chart=bar_chart(
            [_bar(c.slug, c.title, [funding.commons[c.slug]]) for c in closeness_rows]
        ),
        challenge_chart=bar_chart(
            [
                _bar(
                    ch.slug,
                    ch.title,
                    [
                        funding.commons[c.slug]
                        for c in commons_by_challenge.get(ch.slug, [])
                        if c.stage != "archived"
                    ],
                )
                for ch in challenges
            ],
        ),
        flow_chart=None
        if funding.sealed
        else flow_chart(_flows(pledges, funding), labels, ngettext=translations(locale).ngettext),
        engaged_actors=engaged,
        groups=[(challenge, items) for challenge, items in groups if items],
        facets=facets,
        options=options,
        open_needs=[(kind, needs[kind]) for kind in NEED_ORDER if needs.get(kind)],
        declined=[c for c in commons if funding.commons[c.slug].status == "declined"],
    )


def _flows(pledges: list[Pledge], funding: Funding) -> dict[tuple[str, str], Decimal]:
    """Counted money by (funder, common): per-actor amounts, so never while sealed."""
    flows: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for pledge in pledges:
        if pledge.money and pledge.id in funding.commons[pledge.common].counted:
            flows[(pledge.actor, pledge.common)] += pledge.money.amount
    return dict(flows)


# --- what is never published -----------------------------------------------------------


def without_members(catalogue: Catalogue) -> Catalogue:
    """The call without its actors' ``members``: GitHub logins are personal data, used by
    the submission processor only, so no template, theme or export ever receives one."""
    if not any(actor.members for actor in catalogue.actors.values()):
        return catalogue
    actors = {
        slug: actor.model_copy(update={"members": None}) if actor.members else actor
        for slug, actor in catalogue.actors.items()
    }
    return replace(catalogue, actors=actors)


# --- a sealed round: the call without its per-actor amounts ---------------------------


def sealed_pledge(pledge: Pledge) -> Pledge:
    """The pledge as a sealed round publishes it: its money's amount and its means'
    value None, all else kept (status, condition, skills, note...)."""
    update = {}
    if pledge.money is not None:
        update["money"] = pledge.money.model_copy(update={"amount": None})
    if pledge.means is not None and pledge.means.value is not None:
        update["means"] = pledge.means.model_copy(update={"value": None})
    return pledge.model_copy(update=update) if update else pledge


def sealed_actor(actor: Actor) -> Actor:
    """The actor without its allowance, which a sealed round keeps to itself too."""
    if actor.allowance is None:
        return actor
    return actor.model_copy(update={"allowance": None})


R = TypeVar("R", bound=Campaign)


def sealed_catalogue(
    catalogue: Catalogue,
    pledge_ids: set[str] | None = None,
    sealed_rounds: set[str] | None = None,
) -> Catalogue:
    """A copy of the call with every per-actor amount None (the models are not
    validated again: an amount is required in a file, not in what is published). With
    ``pledge_ids``, only those pledges are sealed: a closed round's amounts stay public
    beside a sealed current round, as do the allowances of rounds not in ``sealed_rounds``."""
    campaign = catalogue.campaign
    return replace(
        catalogue,
        actors={slug: sealed_actor(a) for slug, a in catalogue.actors.items()},
        pledges={
            key: sealed_pledge(p) if pledge_ids is None or key in pledge_ids else p
            for key, p in catalogue.pledges.items()
        },
        withdrawn={key: sealed_pledge(p) if pledge_ids is None or key in pledge_ids else p
                   for key, p in catalogue.withdrawn.items()},
        campaign=sealed_round(campaign) if campaign is not None else None,
        rounds={slug: sealed_round(r) if sealed_rounds is None or slug in sealed_rounds else r
                for slug, r in catalogue.rounds.items()},
    )  # fmt: skip


def sealed_round(round_: R) -> R:
    """A round without its actors' allowances, which are per-actor amounts too."""
    if not round_.allowances:
        return round_
    return round_.model_copy(update={"allowances": {}})


def sealed_actor_funding(funding: ActorFunding) -> ActorFunding:
    """An actor's funding with its amounts None; its roles and activations stay."""
    return replace(
        funding, allowance=None, allocated=None, remaining=None, secured=None, means_value=None
    )


def sealed_funding(funding: Funding) -> Funding:
    """The funding with the actors' amounts None; the commons' and the totals stay."""
    return replace(
        funding, actors={slug: sealed_actor_funding(a) for slug, a in funding.actors.items()}
    )


def _bar(slug: str, label: str, results: list) -> BarInput:
    return BarInput(
        slug=slug,
        label=label,
        minimum=sum((r.minimum for r in results), Decimal(0)),
        stretch=sum((r.stretch for r in results), Decimal(0)),
        secured=sum((r.secured for r in results), Decimal(0)),
        pending=sum((r.pending for r in results), Decimal(0)),
    )


PROGRESS_BUCKETS = ((Decimal(100), "reached"), (Decimal(50), "half"), (Decimal(0), "started"))


def progress_bucket(percent: Decimal | None, has_goal: bool) -> str:
    """A common's funding progress as the catalogue filters it."""
    if not has_goal:
        return "no-goal"
    if not percent:
        return "none"
    return next(name for floor, name in PROGRESS_BUCKETS if percent >= floor)


def search_text(common: Common) -> str:
    """Title, summary and tags, lowercased and without accents, for search as you type."""
    text = " ".join([common.title, common.summary, *common.tags])
    folded = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def facet_values(common: Common, funding) -> dict[str, str]:
    return {
        "challenge": " ".join(common.challenges),
        "status": funding.status,
        "maturity": common.maturity or "",
        "type": " ".join(common.resource_types),
        "license": common.license or "",
        "need": " ".join(dict.fromkeys(n.kind for n in common.needs)),
        "progress": progress_bucket(funding.percent_goal, funding.has_goal),
        "search": search_text(common),
    }
