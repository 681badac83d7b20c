"""A common's funding badge (``badges/<slug>.svg``): what it says, and so its size.

One function makes the badge the build writes (``site.jobs.badge_jobs``, through the
theme's ``badge.svg``) and the size its page gives the ``<img>`` that shows it
(``site.pages.common``), so that the two never differ.
"""

from __future__ import annotations

import math

from appel_a_communs.funding.engine import CommonFunding
from appel_a_communs.i18n import translations
from appel_a_communs.site.charts import Badge, badge
from appel_a_communs.site.formatting import format_percent
from appel_a_communs.vocabulary.labels import label

BADGE_HEIGHT = 20
"""The badge's height in pixels, as ``badge.svg`` draws it."""


def funding_badge(funding: CommonFunding, locale: str) -> Badge:
    """The badge "funding | 75 %" (the share of its goal), or its status without a goal."""
    title = translations(locale).gettext("funding")
    if funding.has_goal:
        value = format_percent(funding.percent_goal, locale)
    else:
        value = label(funding.status, "status", locale)
    return badge(title, value, funding.status)


def badge_size(funding: CommonFunding, locale: str) -> tuple[int, int]:
    """(width, height) of the common's badge in whole pixels, for its ``<img>``: the
    width rounded up, so the badge is never squeezed."""
    return math.ceil(funding_badge(funding, locale).width), BADGE_HEIGHT
