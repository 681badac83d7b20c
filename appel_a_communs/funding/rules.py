"""The round rules of ``campaign.yml``: each violation is an error naming the files involved.

Without ``campaign.yml`` no round rule applies (SPEC).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.errors import ContentError, display_path
from appel_a_communs.content.kinds import CAMPAIGN_FILE, CAMPAIGN_ROUND
from appel_a_communs.content.models import Pledge, Round
from appel_a_communs.funding.engine import Funding
from appel_a_communs.i18n import M_


def _round_file(catalogue: Catalogue) -> str:
    """The file of the round whose rules apply: ``campaign.yml`` or ``rounds/<slug>.yml``."""
    campaign = catalogue.campaign
    if isinstance(campaign, Round) and campaign.slug != CAMPAIGN_ROUND:
        source = catalogue.source_of("rounds", campaign.slug)
        return f"rounds/{source.name if source else campaign.slug + '.yml'}"
    return CAMPAIGN_FILE


def _round_path(catalogue: Catalogue) -> str:
    """The round's file, as the other files of a message are given."""
    campaign = catalogue.campaign
    slug = campaign.slug if isinstance(campaign, Round) else CAMPAIGN_ROUND
    return str(catalogue.source_of("rounds", slug) or catalogue.source_of("campaign", "campaign"))


def _budgets(catalogue: Catalogue, slug: str) -> dict:
    """The common's per-round budgets, from the call's own file (a round's catalogue holds
    the common with that round's budget as ``budget``, its ``budgets`` kept)."""
    common = catalogue.commons.get(slug)
    return common.budgets if common else {}


def check_round_rules(
    catalogue: Catalogue, funding: Funding, name: Callable[[Path], str] = display_path
) -> list[ContentError]:
    """``name`` words the files a message names (the submission processor names them from
    the site root)."""

    def _names(paths: list[Path | None]) -> str:
        return ", ".join(name(p) for p in paths if p is not None)

    campaign = catalogue.campaign
    if campaign is None:
        return []
    currency = catalogue.currency
    round_file = _round_file(catalogue)
    errors: list[ContentError] = []

    def source(folder: str, key: str) -> str:
        return str(catalogue.source_of(folder, key))

    def money(amount: Decimal) -> str:
        return f"{amount} {currency}"

    pledges = catalogue.pledges_in_order
    for pledge in pledges:
        if (campaign.opens and pledge.date < campaign.opens) or (
            campaign.closes and pledge.date > campaign.closes
        ):
            errors.append(
                ContentError(
                    source("pledges", pledge.id),
                    "date",
                    M_(
                        "%(date)s is outside the campaign (%(opens)s to %(closes)s, %(file)s)",
                        date=pledge.date,
                        opens=campaign.opens or "…",
                        closes=campaign.closes or "…",
                        file=round_file,
                    ),
                )
            )
        common = catalogue.commons.get(pledge.common)
        if common is not None and common.stage == "archived":
            errors.append(
                ContentError(
                    source("pledges", pledge.id),
                    "common",
                    M_("'%(common)s' is archived and takes no more pledges", common=pledge.common),
                )
            )

    by_actor: dict[str, list[Pledge]] = defaultdict(list)
    by_pair: dict[tuple[str, str], list[Pledge]] = defaultdict(list)
    for pledge in pledges:
        if pledge.money:
            by_actor[pledge.actor].append(pledge)
            by_pair[(pledge.actor, pledge.common)].append(pledge)

    for slug, actor in catalogue.actors.items():
        allocated = funding.actors[slug].allocated
        if actor.allowance is not None and allocated > actor.allowance:
            files = [catalogue.source_of("pledges", p.id) for p in by_actor[slug]]
            # the allowance of the round's own file, or the actor's (its default)
            in_round = slug in campaign.allowances
            errors.append(
                ContentError(
                    _round_path(catalogue) if in_round else source("actors", slug),
                    f"allowances.{slug}" if in_round else "allowance",
                    M_(
                        "the money pledged (%(allocated)s, conditional pledges included, in "
                        "%(files)s) is more than the allowance of %(allowance)s",
                        allocated=money(allocated),
                        files=_names(files),
                        allowance=money(actor.allowance),
                    ),
                )
            )

    cap = campaign.max_per_actor_per_common
    if cap is not None:
        for (actor, common), group in by_pair.items():
            total = sum((p.money.amount for p in group if p.money), Decimal(0))
            if total > cap:
                files = [catalogue.source_of("pledges", p.id) for p in group]
                errors.append(
                    ContentError(
                        source("pledges", group[-1].id),
                        "money.amount",
                        M_(
                            "'%(actor)s' pledges %(total)s to '%(common)s' (%(files)s), more "
                            "than max_per_actor_per_common, %(cap)s (%(file)s)",
                            actor=actor,
                            total=money(total),
                            common=common,
                            files=_names(files),
                            cap=money(cap),
                            file=round_file,
                        ),
                    )
                )

    if not campaign.allow_overfunding:
        for slug, result in funding.commons.items():
            if result.secured > result.stretch:
                files = [catalogue.source_of("pledges", pid) for pid in sorted(result.counted)]
                if result.stretch <= 0:
                    goal = M_("its goal: it has no budget")
                elif result.has_minimum_goal:
                    goal = M_("its stretch goal, %(stretch)s", stretch=money(result.stretch))
                else:  # one goal: the site calls it "Goal", never "Stretch goal"
                    goal = M_("its goal, %(goal)s", goal=money(result.stretch))
                in_round = isinstance(campaign, Round) and campaign.slug in _budgets(
                    catalogue, slug
                )
                errors.append(
                    ContentError(
                        source("commons", slug),
                        f"budgets.{campaign.slug}" if in_round else "budget",
                        M_(
                            "secured money, %(secured)s (%(files)s), is above %(goal)s; "
                            "allow_overfunding is false in %(file)s",
                            secured=money(result.secured),
                            files=_names(files),
                            goal=goal,
                            file=round_file,
                        ),
                    )
                )
    return errors
