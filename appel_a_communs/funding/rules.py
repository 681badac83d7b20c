"""The round rules of ``campaign.yml``: each violation is an error naming the files involved.

Without ``campaign.yml`` no round rule applies (SPEC).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from appel_a_communs.content.errors import ContentError, display_path
from appel_a_communs.content.loader import CAMPAIGN_FILE, Catalogue
from appel_a_communs.content.models import Pledge
from appel_a_communs.funding.engine import Funding


def _names(paths: list[Path | None]) -> str:
    return ", ".join(display_path(p) for p in paths if p is not None)


def check_round_rules(catalogue: Catalogue, funding: Funding) -> list[ContentError]:
    campaign = catalogue.campaign
    if campaign is None:
        return []
    currency = catalogue.currency
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
                    f"{pledge.date} is outside the campaign "
                    f"({campaign.opens or '…'} to {campaign.closes or '…'}, {CAMPAIGN_FILE})",
                )
            )
        common = catalogue.commons.get(pledge.common)
        if common is not None and common.stage == "archived":
            errors.append(
                ContentError(
                    source("pledges", pledge.id),
                    "common",
                    f"'{pledge.common}' is archived and takes no more pledges",
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
            errors.append(
                ContentError(
                    source("actors", slug),
                    "allowance",
                    f"the money pledged ({money(allocated)}, conditional pledges included, "
                    f"in {_names(files)}) is more than the allowance of {money(actor.allowance)}",
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
                        f"'{actor}' pledges {money(total)} to '{common}' ({_names(files)}), more "
                        f"than max_per_actor_per_common, {money(cap)} ({CAMPAIGN_FILE})",
                    )
                )

    if not campaign.allow_overfunding:
        for slug, result in funding.commons.items():
            if result.secured > result.stretch:
                files = [catalogue.source_of("pledges", pid) for pid in sorted(result.counted)]
                goal = (
                    f"its stretch goal, {money(result.stretch)}"
                    if result.stretch > 0
                    else "its goal: it has no budget"
                )
                errors.append(
                    ContentError(
                        source("commons", slug),
                        "budget",
                        f"secured money, {money(result.secured)} ({_names(files)}), is above "
                        f"{goal}; allow_overfunding is false in {CAMPAIGN_FILE}",
                    )
                )
    return errors
