"""The catalogue's browsing pages: the home page (``index.html``), the commons, the
challenges and each challenge, the open needs, the actors, and the open-data page; and
the cards they share (a common's, a challenge's)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Actor, Challenge, Common
from appel_a_communs.funding.engine import CommonFunding, Totals
from appel_a_communs.site.charts import BarChart
from appel_a_communs.site.pages import PageContext
from appel_a_communs.site.urls import statement_path

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class CommonCard:
    """A common's card (``common_card``): the common and its result in the round its own
    page shows."""

    common: Common
    funding: CommonFunding
    facets: dict[str, str] | None
    """Its filter values (the commons page's script reads them), None on other pages."""


@dataclass(frozen=True)
class ChallengeCard:
    """A challenge's card (``challenge_card``)."""

    challenge: Challenge
    answers: int
    """How many commons answer it."""


@dataclass(frozen=True)
class ActorCard:
    """An actor in the actors' list."""

    actor: Actor
    supported: int
    """How many commons it supports, in any round."""


def common_cards(
    view: CatalogueView, commons: Iterable[Common], facets: bool = False
) -> list[CommonCard]:
    """The cards of these commons, in order; ``facets``: with their filter values."""
    found = view.funding.commons
    return [CommonCard(c, found[c.slug], view.facets[c.slug] if facets else None) for c in commons]


def challenge_cards(view: CatalogueView, challenges: Iterable[Challenge]) -> list[ChallengeCard]:
    answering = view.commons_by_challenge
    return [ChallengeCard(c, len(answering.get(c.slug, []))) for c in challenges]


@dataclass(frozen=True)
class IndexPage(PageContext):
    """The home page: the current round's name and dates, the key figures, the open
    challenges, the funding by challenge, the commons closest to their goal."""

    nav_current: ClassVar[str] = "home"

    campaign_name: str | None
    """The current round's own name, the page's title (None: the site's name is)."""
    opens: date | None
    """The current round's opening day, when its file gives both dates (else None: the
    page gives no dates)."""
    closes: date | None
    """Its closing day, when its file gives both dates (else None)."""
    round_count: int
    """How many rounds the call has, when it has files in rounds/ and more than one (the
    dates then link to the rounds' page); else 0."""
    totals: Totals
    """The call's figures in the current round."""
    open_challenges: list[ChallengeCard]
    chart: BarChart | None
    """The funding of each challenge's commons (None: no challenge's commons have a goal,
    no chart)."""
    closest: list[CommonCard]
    """The commons closest to their goal."""
    closest_one_goal: bool
    """None of them has a minimum goal below its stretch goal: their key says "Goal"."""


def index_page(view: CatalogueView) -> IndexPage:
    campaign = view.campaign
    dated = campaign is not None and campaign.opens is not None and campaign.closes is not None
    chart = view.challenge_chart
    several = bool(view.catalogue.rounds) and view.several_rounds
    closest = common_cards(view, view.closest_to_goal)
    return IndexPage(
        campaign_name=(campaign.name or None) if campaign else None,
        opens=campaign.opens if campaign and dated else None,
        closes=campaign.closes if campaign and dated else None,
        round_count=len(view.rounds) if several else 0,
        totals=view.funding.totals,
        open_challenges=challenge_cards(view, view.open_challenges),
        chart=chart if chart.rows else None,
        closest=closest,
        closest_one_goal=one_goal(closest),
    )


@dataclass(frozen=True)
class CommonsGroup:
    """The commons of a challenge (each common under its first one): the catalogue as
    the page shows it without scripts."""

    challenge: Challenge
    cards: list[CommonCard]


@dataclass(frozen=True)
class CommonsPage(PageContext):
    """The catalogue of the commons, their filters and their groups by challenge."""

    nav_current: ClassVar[str] = "commons"

    count: int
    """How many commons the call has (0: no filters)."""
    challenges: list[Challenge]
    """The challenge filter's choices, in the challenges' order."""
    options: Mapping[str, list[str]]
    """The values each other filter offers (``status``, ``maturity``, ``type``,
    ``license``, ``need``, ``progress``; ``eligible`` empty when the current round has
    no criteria: no eligibility filter)."""
    groups: list[CommonsGroup]
    one_goal: bool
    """No common has a minimum goal below its stretch goal: the bars' key says "Goal"."""


def commons_page(view: CatalogueView) -> CommonsPage:
    groups = [
        CommonsGroup(challenge, common_cards(view, commons, facets=True))
        for challenge, commons in view.groups
    ]
    return CommonsPage(
        count=len(view.commons),
        challenges=view.challenges,
        options=view.options,
        groups=groups,
        one_goal=one_goal([card for group in groups for card in group.cards]),
    )


@dataclass(frozen=True)
class ChallengesPage(PageContext):
    """Every challenge, open ones first."""

    nav_current: ClassVar[str] = "challenges"

    challenges: list[ChallengeCard]


def challenges_page(view: CatalogueView) -> ChallengesPage:
    return ChallengesPage(challenge_cards(view, view.challenges))


@dataclass(frozen=True)
class ChallengePage(PageContext):
    """A challenge and the commons that answer it."""

    nav_current: ClassVar[str] = "challenges"

    challenge: Challenge
    commons: list[CommonCard]
    one_goal: bool
    """None of them has a minimum goal below its stretch goal: the bars' key says "Goal"."""


def challenge_page(view: CatalogueView, challenge: Challenge) -> ChallengePage:
    cards = common_cards(view, view.commons_by_challenge.get(challenge.slug, []))
    return ChallengePage(challenge, cards, one_goal(cards))


def one_goal(cards: list[CommonCard]) -> bool:
    """Whether no card's common has a minimum goal of its own below its stretch goal: a
    list's key then names one goal, as each card's bar draws it."""
    return not any(card.funding.has_minimum_goal for card in cards)


@dataclass(frozen=True)
class NeedsPage(PageContext):
    """What the commons that are not archived still need."""

    nav_current: ClassVar[str] = "commons"

    needs: list[tuple[str, list[tuple[Common, str]]]]
    """By kind of need: (common, its description of the need)."""


def needs_page(view: CatalogueView) -> NeedsPage:
    return NeedsPage(view.open_needs)


@dataclass(frozen=True)
class ActorsPage(PageContext):
    """Every actor, by kind."""

    nav_current: ClassVar[str] = "actors"

    count: int
    """How many actors the call has."""
    kinds: list[tuple[str, list[ActorCard]]]
    """(kind, its actors), kinds in a fixed order."""


def actors_page(view: CatalogueView) -> ActorsPage:
    supported = view.supported_commons
    return ActorsPage(
        count=len(view.actors),
        kinds=[
            (kind, [ActorCard(a, len(supported[a.slug])) for a in actors])
            for kind, actors in view.actors_by_kind
        ],
    )


@dataclass(frozen=True)
class Manifests:
    """The funding manifests a build publishes, as the open-data page describes them."""

    paths: Mapping[str, str]
    """Common slug → its funding.json, from the site's root (empty: none published)."""
    pattern: tuple[str, str]
    """A manifest's path before and after the common's slug."""
    at_root: bool
    """The site is served from its host's root, where directories read the list of
    manifests (``.well-known/funding-manifest-urls``)."""


@dataclass(frozen=True)
class OpenDataPage(PageContext):
    """What the site publishes as data, and the schemas of the content files."""

    schemas: list[str]
    """The file names of the content files' JSON schemas."""
    sealed: bool
    """A round is under sealed bids: the page says its per-actor amounts are left empty."""
    several_rounds: bool
    """The call has several rounds: the sealed one is "the current round", not "the
    campaign"."""
    example_common: str | None
    """The slug of the common whose data file the page gives as an example (None: no
    common)."""
    workbook_files: list[tuple[str, str]]
    """Each round's workbook (a call without rounds has one, ``call``): its path in the
    data folder, and its file name."""
    manifest_example: str | None
    """The path of the funding.json the page gives as an example (None: the build
    publishes none, and the page does not speak of them)."""
    manifest_pattern: tuple[str, str]
    """A manifest's path before and after the common's slug."""
    manifests_at_root: bool
    """The list of manifests is at the host's root, where directories look for it."""


def open_data_page(view: CatalogueView, schemas: list[str], manifests: Manifests) -> OpenDataPage:
    return OpenDataPage(
        schemas=schemas,
        sealed=view.sealed,
        several_rounds=view.several_rounds,
        example_common=view.commons[0].slug if view.commons else None,
        workbook_files=[
            (path, posixpath.basename(path))
            for path in map(statement_path, [r.slug for r in view.rounds] or [None])
        ],
        manifest_example=next(iter(manifests.paths.values()), None),
        manifest_pattern=manifests.pattern,
        manifests_at_root=manifests.at_root,
    )
