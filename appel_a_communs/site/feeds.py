"""What the Atom feeds hold: new commons, new pledges, and both per challenge; and, for
each common, what became of it (its pledges, reviews, reports and deliverables done).

The SPEC gives commons no date: a common's date in the feeds is the day
``funding.followup.proposed_on`` gives it (its first pledge's, or its first round's
opening, never after its first review).
While a sealed round is open, the view holds no pledge's amount: an entry says
"Sealed amount" where it would give one. What a common's reports spent is the
common's, not an actor's: public, as on its page.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from markupsafe import Markup, escape

from appel_a_communs.i18n import translations
from appel_a_communs.site.formatting import (
    format_day,
    format_money,
    format_number,
    plural_count,
)
from appel_a_communs.site.markup import render_markdown
from appel_a_communs.site.view import CatalogueView
from appel_a_communs.vocabulary.labels import label

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
    """A common's day: ``funding.followup.proposed_on``, else the build's."""
    follow = view.follow_up.get(slug)
    return follow.proposed_on if follow and follow.proposed_on else view.today


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
            _html(c.summary),  # an Atom summary of type html: the text escaped
            f"common:{c.slug}",
        )
        for c in commons
    ]
    return newest(entries)


def pledge_entries(
    view: CatalogueView, url_of, locale: str, slugs: list[str] | None = None
) -> list[Entry]:
    """Pledges of the whole call, or of the commons ``slugs`` only, through the view's
    index: a feed per challenge then costs its own pledges, not the call's. A pledge
    withdrawn by the build's day has its entry at its own date, and one more at the day it
    was withdrawn (``withdrawal_entries``)."""
    actors, commons = view.catalogue.actors, view.catalogue.commons
    if slugs is None:
        pledges = list(view.catalogue.pledges.values())
        withdrawn = [view.catalogue.pledges[i] for i in view.withdrawn
                     if i in view.catalogue.pledges]  # fmt: skip
    else:
        pledges = [p for slug in slugs for p in view.pledges_by_common.get(slug, [])]
        withdrawn = [p for p in pledges if p.id in view.withdrawn]
    # Only the newest can make it into a feed: build entries for those alone.
    pledges = heapq.nlargest(FEED_LENGTH, pledges, key=lambda p: (p.date, p.id))
    translated = translations(locale)
    _, ngettext = translated.gettext, translated.ngettext
    entries = withdrawal_entries(view, url_of, locale, withdrawn)
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


def withdrawal_entries(view: CatalogueView, url_of, locale: str, pledges: list) -> list[Entry]:
    """An entry for each of ``pledges`` (withdrawn by the build's day) at the day it was
    withdrawn, linking to its row on its common's page."""
    _ = translations(locale).gettext
    actors, commons = view.catalogue.actors, view.catalogue.commons
    entries = []
    for pledge in pledges:
        if pledge.withdrawn is None:
            continue
        names = {"actor": actors[pledge.actor].name, "common": commons[pledge.common].title}
        day = format_day(pledge.withdrawn, locale)
        entries.append(
            Entry(
                _("%(actor)s withdraws a pledge to %(common)s") % names,
                f"{url_of('common', pledge.common)}#engagement-{pledge.id}",
                pledge.withdrawn,
                _html(_("Withdrawn on %(date)s: it no longer counts.") % {"date": day}),
                f"withdrawn:{pledge.id}",
            )
        )
    return entries


def _html(*parts: str) -> str:
    """An entry's summary (Atom ``type="html"``): each text escaped, Markdown already
    rendered and sanitised (``Markup``) kept as it is."""
    return "".join(str(part if isinstance(part, Markup) else escape(part)) for part in parts)


def followed_entries(view: CatalogueView, url_of, locale: str, slug: str) -> list[Entry]:
    """A common's own feed: its proposal, its pledges (and the day each pledge withdrawn
    was: ``pledge_entries``), the reviews of it, its reports and its deliverables done (those with a
    ``done_on`` day), newest first.

    Amounts: its pledges' come from the published catalogue (None, hence "Sealed
    amount", in a sealed round); a report's spending is the common's, always given.
    The reasons of a review and a report's body are what their authors
    published on the common's page."""
    common = view.catalogue.commons[slug]
    follow = view.follow_up.get(slug)
    translated = translations(locale)
    _ = translated.gettext
    page = url_of("common", slug)
    names = {"common": common.title}
    entries = pledge_entries(view, url_of, locale, [slug])
    proposed = follow.proposed_on if follow else None
    if proposed is not None:
        entries.append(
            Entry(_("%(common)s is proposed") % names, page, proposed,
                  _html(common.summary), f"proposed:{slug}")
        )  # fmt: skip
    for entry in view.reviews.get(slug, []):
        review = entry.review
        decision = label(review.decision, "decision", locale)
        day = format_day(review.date, locale)
        entries.append(
            Entry(
                _("%(common)s: %(decision)s at the review of %(date)s")
                % {**names, "decision": decision, "date": day},
                page + "#reviews-title",
                review.date,
                _html(Markup(render_markdown(review.reasons)) if review.reasons else decision),
                f"review:{slug}:{review.date.isoformat()}",
            )
        )
    for report in follow.reports if follow else []:
        parts: list[str] = []
        spent = sum((item.amount for item in report.spent), Decimal(0))
        if report.spent:  # a common's spending, public as on its page, sealed or not
            amount = format_money(spent, view.currency, locale)
            parts.append(Markup("<p>%s</p>") % (_("Spent: %(amount)s") % {"amount": amount}))
        parts.append(Markup(render_markdown(report.body)))
        entries.append(
            Entry(
                _("%(common)s: report “%(report)s”") % {**names, "report": report.title},
                url_of("report", report.slug),
                report.date,
                _html(*parts),
                f"report:{report.slug}",
            )
        )
    for deliverable in common.deliverables:
        if deliverable.done_on is None:
            continue
        summary = [_("Delivered on %(date)s.") % {"date": format_day(deliverable.done_on, locale)}]
        if deliverable.url:
            summary += [" ", Markup('<a href="%s">%s</a>') % (deliverable.url, deliverable.url)]
        entries.append(
            Entry(
                _("%(common)s: “%(deliverable)s” delivered")
                % {**names, "deliverable": deliverable.title},
                page + "#deliverables-title",
                deliverable.done_on,
                _html(*summary),
                f"deliverable:{slug}:{deliverable.done_on.isoformat()}:"
                + quote(deliverable.title, safe=""),
            )
        )
    return newest(_unique(entries))


def _unique(entries: list[Entry]) -> list[Entry]:
    """Entries whose ids would repeat (two reviews of a common on one day, two
    deliverables of one title done the same day) get ``-2``, ``-3``… in the order of
    their files, so that each id stays the same from one build to the next."""
    seen: Counter[str] = Counter()
    unique = []
    for entry in entries:
        seen[entry.unique_id] += 1
        if seen[entry.unique_id] > 1:
            entry = replace(entry, unique_id=f"{entry.unique_id}-{seen[entry.unique_id]}")
        unique.append(entry)
    return unique
