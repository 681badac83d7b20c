"""Display labels of the enumerations; data keys stay English, these are the words people read.

The English labels are the messages of the gettext catalogue, each in the context of
its group (``Other`` is "Autre" as a need and "Autres" as a group of actors).
"""

from __future__ import annotations

from appel_a_communs.i18n import DEFAULT_LOCALE, pN_, translations

LABELS: dict[str, dict[str, str]] = {
    "challenge_status": {
        "open": pN_("challenge_status", "Open"),
        "closed": pN_("challenge_status", "Closed"),
    },
    "stage": {
        "proposed": pN_("stage", "Proposed"),
        "accepted": pN_("stage", "Accepted"),
        "archived": pN_("stage", "Archived"),
    },
    "status": {
        "proposed": pN_("status", "Proposed"),
        "open": pN_("status", "Raising funds"),
        "minimum-reached": pN_("status", "Minimum reached"),
        "stretch-reached": pN_("status", "Stretch goal reached"),
        "goal-reached": pN_("status", "Goal reached"),
        "unfunded": pN_("status", "Unfunded"),
        "declined": pN_("status", "Declined"),
        "archived": pN_("status", "Archived"),
    },
    "maturity": {
        "idea": pN_("maturity", "Idea"),
        "prototype": pN_("maturity", "Prototype"),
        "beta": pN_("maturity", "Beta"),
        "stable": pN_("maturity", "Stable"),
        "obsolete": pN_("maturity", "Obsolete"),
    },
    "resource_type": {
        "software": pN_("resource_type", "Software"),
        "data": pN_("resource_type", "Data"),
        "standard": pN_("resource_type", "Standard"),
        "knowledge": pN_("resource_type", "Knowledge"),
        "hardware": pN_("resource_type", "Hardware"),
        "service": pN_("resource_type", "Service"),
    },
    "need": {
        "funding": pN_("need", "Funding"),
        "skills": pN_("need", "Skills"),
        "data": pN_("need", "Data"),
        "testing": pN_("need", "Testing"),
        "hosting": pN_("need", "Hosting"),
        "animation": pN_("need", "Facilitation"),
        "other": pN_("need", "Other"),
    },
    "kind": {
        "company": pN_("kind", "Companies"),
        "startup": pN_("kind", "Startups"),
        "public-body": pN_("kind", "Public bodies"),
        "association": pN_("kind", "Associations"),
        "research": pN_("kind", "Research"),
        "citizen-group": pN_("kind", "Citizen groups"),
        "other": pN_("kind", "Others"),
    },
    "kind_one": {
        "company": pN_("kind_one", "Company"),
        "startup": pN_("kind_one", "Startup"),
        "public-body": pN_("kind_one", "Public body"),
        "association": pN_("kind_one", "Association"),
        "research": pN_("kind_one", "Research"),
        "citizen-group": pN_("kind_one", "Citizen group"),
        "other": pN_("kind_one", "Other"),
    },
    "role": {
        "funder": pN_("role", "Funder"),
        "contributor": pN_("role", "Contributor"),
        "user": pN_("role", "User"),
        "maintainer": pN_("role", "Maintainer"),
    },
    "roles": {
        "funder": pN_("roles", "Funders"),
        "contributor": pN_("roles", "Contributors"),
        "user": pN_("roles", "Users"),
        "maintainer": pN_("roles", "Maintainers"),
    },
    "money_status": {
        "pledged": pN_("money_status", "pledged"),
        "confirmed": pN_("money_status", "confirmed"),
        "paid": pN_("money_status", "paid"),
    },
    "decision": {
        "eligible": pN_("decision", "Eligible"),
        "accepted": pN_("decision", "Accepted"),
        "declined": pN_("decision", "Declined"),
        "deferred": pN_("decision", "Deferred"),
    },
    "round_state": {
        "upcoming": pN_("round_state", "Upcoming"),
        "open": pN_("round_state", "Open"),
        "closed": pN_("round_state", "Closed"),
    },
    "criterion": {
        "open_license": pN_("criterion", "Open licence"),
        "min_working_group": pN_("criterion", "Working group"),
        "challenge": pN_("criterion", "Open challenge"),
        "budget": pN_("criterion", "Budget"),
    },
    "eligible": {
        "eligible": pN_("eligible", "Eligible"),
        "not-eligible": pN_("eligible", "Not eligible yet"),
    },
    "progress": {
        "no-goal": pN_("progress", "No funding goal"),
        "none": pN_("progress", "Nothing secured"),
        "started": pN_("progress", "Less than half"),
        "half": pN_("progress", "Half or more"),
        "reached": pN_("progress", "Goal reached"),
    },
}


def label(value: str, group: str, locale: str = DEFAULT_LOCALE) -> str:
    """The display label of an enumeration value; the value itself when none is known."""
    message = LABELS.get(group, {}).get(value)
    if message is None:
        return value
    return translations(locale).pgettext(group, message)
