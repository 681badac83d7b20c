"""A common's funding card for an ``<iframe>`` (``widget.html``, written by
``site.jobs.widget_jobs``): not a page of the site, a whole document of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from appel_a_communs.content.models import Common
from appel_a_communs.funding.engine import CommonFunding
from appel_a_communs.site.pages import PageContext

if TYPE_CHECKING:
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class WidgetCard(PageContext):
    indexed: ClassVar[bool] = False

    common: Common
    funding: CommonFunding
    """Its result in the round its page shows: the current round, or the last one it
    took part in."""
    round_name: str | None
    """The name of that round, in a call of rounds/ (as its page names it); else None."""
    link: str
    """The common page's address: absolute when SITEURL is set, else relative to the
    card."""


def widget_card(view: CatalogueView, common: Common, link: str) -> WidgetCard:
    shown = view.shown_round(common.slug) if view.catalogue.rounds else None
    return WidgetCard(
        common=common,
        funding=view.funding.commons[common.slug],
        round_name=view.round_name(shown.slug) if shown else None,
        link=link,
    )
