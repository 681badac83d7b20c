"""Which context each catalogue template receives: the registry that
``tests/test_page_contexts.py`` holds every template to."""

from __future__ import annotations

from appel_a_communs.site.pages import PageContext
from appel_a_communs.site.pages.actor import ActorPage
from appel_a_communs.site.pages.catalogue import (
    ActorsPage,
    ChallengePage,
    ChallengesPage,
    CommonsPage,
    IndexPage,
    NeedsPage,
    OpenDataPage,
)
from appel_a_communs.site.pages.common import CommonPage
from appel_a_communs.site.pages.forms import FormPage, FormsPage
from appel_a_communs.site.pages.jury import JuryPage
from appel_a_communs.site.pages.not_found import NotFoundPage
from appel_a_communs.site.pages.report import ReportPage
from appel_a_communs.site.pages.rounds import (
    EligibilityPage,
    FundingPage,
    ReviewPage,
    RoundEngagementPage,
    RoundReportPage,
    RoundsPage,
)
from appel_a_communs.site.pages.statement import ActorStatementPage
from appel_a_communs.site.pages.widget import WidgetCard

CONTEXTS: dict[str, type[PageContext]] = {
    "common": CommonPage,
    "actor": ActorPage,
    "index": IndexPage,
    "commons": CommonsPage,
    "challenges": ChallengesPage,
    "challenge": ChallengePage,
    "needs": NeedsPage,
    "actors": ActorsPage,
    "open_data": OpenDataPage,
    "actor_statement": ActorStatementPage,
    "report": ReportPage,
    "forms": FormsPage,
    "form": FormPage,
    "funding": FundingPage,
    "round_report": RoundReportPage,
    "rounds": RoundsPage,
    "round_engagement": RoundEngagementPage,
    "review": ReviewPage,
    "eligibility": EligibilityPage,
    "jury": JuryPage,
    "widget": WidgetCard,
    "404": NotFoundPage,
}
"""Template name (without ``.html``) → the context its pages receive."""
