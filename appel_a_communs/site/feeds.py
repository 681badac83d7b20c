"""What the Atom feeds hold: new commons, new pledges, and both per challenge.

The SPEC gives commons no date: a common's date in the feeds is that of its first
pledge (its proposers usually join it at once), or the opening of the campaign.
While a sealed round is open, the view holds no pledge's amount: an entry says
"Sealed amount" where it would give one.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date

from appel_a_communs.i18n import translations
from appel_a_communs.site.formatting import format_money, format_number, plural_count
from appel_a_communs.site.view import CatalogueView

FEED_LENGTH = 50


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    """Relative to the site's root."""
    day: date
    summary: str
    unique_id: str


def common_day(view: CatalogueView, slug: str) -> date:
    pledges = view.pledges_by_common.get(slug)
    if pledges:
        return pledges[0].date
    campaign = view.catalogue.campaign
    return campaign.opens if campaign and campaign.opens else view.today


def newest(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.day, e.unique_id), reverse=True)[:FEED_LENGTH]


def common_entries(view: CatalogueView, url_of, slugs: list[str] | None = None) -> list[Entry]:
    """The call's commons, or only ``slugs`` (looked up, not searched for)."""
    commons = view.commons if slugs is None else [view.catalogue.commons[s] for s in slugs]
    entries = [
        Entry(
            c.title,
            url_of("common", c.slug),
            common_day(view, c.slug),
            c.summary,
            f"common:{c.slug}",
        )
        for c in commons
    ]
    return newest(entries)


def pledge_entries(
    view: CatalogueView, url_of, locale: str, slugs: list[str] | None = None
) -> list[Entry]:
    """Pledges of the whole call, or of the commons ``slugs`` only, through the view's
    index: a feed per challenge then costs its own pledges, not the call's."""
    actors, commons = view.catalogue.actors, view.catalogue.commons
    if slugs is None:
        pledges = list(view.catalogue.pledges.values())
    else:
        pledges = [p for slug in slugs for p in view.pledges_by_common.get(slug, [])]
    # Only the newest can make it into a feed: build entries for those alone.
    pledges = heapq.nlargest(FEED_LENGTH, pledges, key=lambda p: (p.date, p.id))
    translated = translations(locale)
    _, ngettext = translated.gettext, translated.ngettext
    entries = []
    for pledge in pledges:
        what = []
        if pledge.money and pledge.money.amount is None:
            what.append(_("Sealed amount"))
        elif pledge.money:
            what.append(format_money(pledge.money.amount, view.currency, locale, cents=False))
        if pledge.skills:
            days = pledge.skills.days
            what.append(
                ngettext("%(days)s day of skills", "%(days)s days of skills", plural_count(days))
                % {"days": format_number(days, locale)}
            )
        if pledge.means:
            what.append(_("technical means"))
        names = {"actor": actors[pledge.actor].name, "common": commons[pledge.common].title}
        if pledge.money or pledge.skills or pledge.means:
            title = _("%(actor)s pledges to %(common)s") % names
        else:
            title = _("%(actor)s joins %(common)s") % names
        entries.append(
            Entry(
                title,
                f"{url_of('common', pledge.common)}#engagement-{pledge.id}",
                pledge.date,
                ", ".join(what) or _("Joins the working group."),
                f"pledge:{pledge.id}",
            )
        )
    return newest(entries)
