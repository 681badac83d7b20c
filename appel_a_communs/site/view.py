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
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import get_args

from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.loader import MAX_FILE_SIZE, Catalogue, load_catalogue
from appel_a_communs.content.models import Actor, Campaign, Challenge, Common, Pledge
from appel_a_communs.content.types import ActorKind, NeedKind, Role
from appel_a_communs.funding.engine import ActorFunding, Funding, compute_funding
from appel_a_communs.funding.rules import check_round_rules
from appel_a_communs.i18n import translations
from appel_a_communs.site.charts import BarChart, BarInput, FlowChart, bar_chart, flow_chart

ROLE_ORDER: tuple[str, ...] = get_args(Role)
KIND_ORDER: tuple[str, ...] = get_args(ActorKind)
NEED_ORDER: tuple[str, ...] = get_args(NeedKind)
CLOSEST_TO_GOAL = 4
CHART_ROWS = 40
"""Commons drawn in the funding page's bar chart; the table below lists them all."""


def _title_key(item: Challenge | Common) -> str:
    return item.title.casefold()


@dataclass(frozen=True)
class CatalogueView:
    """Everything templates and exports receive.

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
    """Actor slug → (common, the actor's roles in it)."""
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

    @property
    def sealed(self) -> bool:
        return self.funding.sealed

    @property
    def currency(self) -> str:
        return self.catalogue.currency

    @property
    def campaign(self) -> Campaign | None:
        return self.catalogue.campaign

    @property
    def actors_by_slug(self) -> dict[str, Actor]:
        return self.catalogue.actors

    @property
    def commons_by_slug(self) -> dict[str, Common]:
        return self.catalogue.commons

    @property
    def challenges_by_slug(self) -> dict[str, Challenge]:
        return self.catalogue.challenges


def load_call(
    content: Path | str,
    today: date,
    cache_folder: Path | None = None,
    locale: str = "fr",
    processes: int = 1,
    max_file_size: int = MAX_FILE_SIZE,
) -> CatalogueView:
    """Load a call, compute its funding and check its round rules, or raise ContentErrors."""
    catalogue = load_catalogue(content, cache_folder, processes, max_file_size)
    funding = compute_funding(catalogue, today)
    errors = check_round_rules(catalogue, funding)
    if errors:
        raise ContentErrors(errors)
    return build_view(catalogue, today, funding, locale)


def build_view(
    catalogue: Catalogue, today: date, funding: Funding | None = None, locale: str = "fr"
) -> CatalogueView:
    """What the templates show; ``locale`` names the few labels computed here.

    The funding is computed from ``catalogue`` as it is; while the round is sealed, the
    view is then built from ``sealed_catalogue`` and ``sealed_funding`` alone."""
    funding = funding or compute_funding(catalogue, today)
    catalogue = without_members(catalogue)
    if funding.sealed:
        catalogue, funding = sealed_catalogue(catalogue), sealed_funding(funding)
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
    by_role: dict[str, dict[str, dict[str, Actor]]] = defaultdict(lambda: defaultdict(dict))
    for pledge in pledges:
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
                for common, roles in funding.actors[slug].roles.items()
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
    engaged = [a for a in actors if pledges_by_actor.get(a.slug)]
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
    return CatalogueView(
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
            label_width=300,
        ),
        flow_chart=None
        if funding.sealed
        else flow_chart(_flows(pledges, funding), labels, ngettext=translations(locale).ngettext),
        engaged_actors=engaged,
        groups=[(challenge, items) for challenge, items in groups if items],
        facets=facets,
        options=options,
        open_needs=[(kind, needs[kind]) for kind in NEED_ORDER if needs.get(kind)],
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


def sealed_catalogue(catalogue: Catalogue) -> Catalogue:
    """A copy of the call with every per-actor amount None (the models are not
    validated again: an amount is required in a file, not in what is published)."""
    return replace(
        catalogue,
        actors={slug: sealed_actor(a) for slug, a in catalogue.actors.items()},
        pledges={key: sealed_pledge(p) for key, p in catalogue.pledges.items()},
    )


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
