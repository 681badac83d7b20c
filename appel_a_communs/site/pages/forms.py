"""The forms' pages: the list of forms (``forms.html``) and each form (``form.html``), with
the notice of the round a pledge or a join goes to (``_round_notice.html``) and the box
saying what happens to a submission (``_next_steps.html``), both decided here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from appel_a_communs.site.pages import PageContext

if TYPE_CHECKING:
    from appel_a_communs.site.forms import SiteForm
    from appel_a_communs.site.view import CatalogueView


@dataclass(frozen=True)
class RoundNotice:
    """The notice above a form, of the round a pledge or a join made today goes to."""

    state: Literal["open", "upcoming", "closed"]
    """open: a round is open, the pledge counts in it; upcoming: none is open, the next
    one opens on ``opens``; closed: none is open and none is announced."""
    name: str | None
    """The name of that round (None: unnamed, or no round)."""
    opens: date | None
    closes: date | None


@dataclass(frozen=True)
class NextSteps:
    """How the page's forms send a submission, as "What happens next?" explains it."""

    github: Literal["every", "some", "none"]
    """Whether the page's forms open a prefilled form on GitHub: all, some or none."""
    posted: list[str]
    """The titles of the forms that send to the call's team instead, in order (named when
    only ``some`` open on GitHub)."""


@dataclass(frozen=True)
class FormsPage(PageContext):
    nav_current: ClassVar[str] = "forms"

    forms: list[SiteForm]
    """Every form, one per submission type."""
    round_notice: RoundNotice | None
    """Said only when no round is open (a call with rounds)."""
    next_steps: NextSteps


@dataclass(frozen=True)
class FormPage(PageContext):
    nav_current: ClassVar[str] = "forms"

    form: SiteForm
    round_notice: RoundNotice | None
    """The pledge form names the open round; the pledge and join forms say when none is
    open (None: nothing to say)."""
    next_steps: NextSteps


def round_notice(view: CatalogueView, kind: str | None) -> RoundNotice | None:
    """The notice of a form of ``kind`` (None: the forms page, which speaks only when no
    round is open). ``view.next_round`` is the open round, else the next one to open, for
    the build's day (CATALOGUE_TODAY)."""
    if not view.rounds:
        return None
    found = view.next_round
    if found is not None and found.state == "open":
        if kind != "pledge" or found.round is None:
            return None
        round_ = found.round
        return RoundNotice("open", view.round_name(found.slug), round_.opens, round_.closes)
    if kind not in ("pledge", "join", None):
        return None
    if found is None or found.round is None:
        return RoundNotice("closed", None, None, None)
    return RoundNotice("upcoming", view.round_name(found.slug), found.round.opens, None)


def next_steps(forms: list[SiteForm]) -> NextSteps:
    """What happens to a submission of these forms: each opens a prefilled GitHub form
    (``github`` mode), or sends to the call's team (``post``; while a sealed round is open,
    the pledge form posts in the github mode)."""
    posted = [form.title for form in forms if form.mode == "post"]
    if forms and not posted:
        return NextSteps("every", [])
    return NextSteps("some" if len(posted) < len(forms) else "none", posted)


def forms_page(view: CatalogueView, forms: list[SiteForm]) -> FormsPage:
    return FormsPage(forms, round_notice(view, None), next_steps(forms))


def form_page(view: CatalogueView, form: SiteForm) -> FormPage:
    return FormPage(form, round_notice(view, form.kind), next_steps([form]))
