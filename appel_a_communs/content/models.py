"""The content models: one source of truth for validation, JSON Schemas and forms.

Every key of ``SPEC.md`` is here, including those whose computation comes later.
Unknown keys are errors (``extra="forbid"``); nothing derived is stored.
"""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from appel_a_communs.content.types import (
    AMOUNT_OR_GOAL_SCHEMA,
    ActorKind,
    Amount,
    ChallengeStatus,
    Count,
    Currency,
    Date,
    Days,
    Decision,
    Flag,
    GitHubLogin,
    GoalName,
    License,
    Line,
    MatchingMethod,
    Maturity,
    MoneyStatus,
    NeedKind,
    Order,
    Ratio,
    ResourceType,
    Role,
    Share,
    Slug,
    SourceKind,
    Stage,
    Summary,
    Text,
    Url,
)
from appel_a_communs.i18n import M_


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- challenges ------------------------------------------------------------


class Facilitator(Model):
    """The neutral resource person who links the actors of a challenge."""

    name: Line
    organisation: Line | None = None
    url: Url | None = None


class Challenge(Model):
    slug: Slug
    title: Line
    summary: Summary
    status: ChallengeStatus = "open"
    facilitator: Facilitator | None = None
    themes: list[Line] = []
    deadline: Date | None = None
    body: Text = ""


# --- commons ---------------------------------------------------------------


class Need(Model):
    kind: NeedKind
    description: Text


class Deliverable(Model):
    title: Line
    due: Date | None = None
    done: Flag = False
    """Delivered; ``done_on`` implies it."""
    done_on: Date | None = None
    """The day it was delivered: it then shows on the common's timeline."""
    url: Url | None = None
    """Where the deliverable can be seen (a release, a document, a dataset)."""

    @model_validator(mode="before")
    @classmethod
    def _done_on_means_done(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("done_on") is not None and "done" not in data:
            data = {**data, "done": True}
        return data

    @model_validator(mode="after")
    def _not_undone_with_a_day(self) -> Deliverable:
        if self.done_on is not None and not self.done:
            raise ValueError(
                M_(
                    "done is false but done_on says it was delivered on %(day)s: "
                    "remove one of them",
                    day=self.done_on,
                )
            )
        return self


class BudgetLine(Model):
    label: Line
    amount: Amount
    stretch: Flag = False


class Budget(Model):
    currency: Currency | None = None
    lines: list[BudgetLine] = Field(min_length=1)
    existing_funding: Amount | None = None


class Review(Model):
    """A decision taken on a common at a review date (a *relevé*), published with its reasons."""

    date: Date
    round: Slug | None = None
    """The round it belongs to; by default the round whose review dates, then whose dates,
    hold its date (see ``funding.rounds.review_round``)."""
    decision: Decision
    reasons: Text | None = None
    by: Line | None = None


class Common(Model):
    slug: Slug
    title: Line
    summary: Summary
    challenges: list[Slug] = Field(min_length=1)
    stage: Stage = "proposed"
    maturity: Maturity | None = None
    resource_types: list[ResourceType] = []
    license: License | None = Field(default=None, validate_default=True)
    repository: Url | None = None
    website: Url | None = None
    proposed_by: list[Slug] = Field(min_length=1)
    governance: Text | None = None
    needs: list[Need] = []
    deliverables: list[Deliverable] = []
    budget: Budget | None = None
    budgets: dict[Slug, Budget] = {}
    """Round slug → the common's budget in that round, where it differs from ``budget``."""
    reviews: list[Review] = []
    tags: list[Line] = []
    body: Text = ""

    @field_validator("license")
    @classmethod
    def _license_once_accepted(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("stage") == "accepted":
            raise ValueError(
                M_("a licence (SPDX expression) is required once a common is accepted")
            )
        return value

    @field_validator("reviews")
    @classmethod
    def _stage_follows_reviews(cls, reviews: list[Review], info: ValidationInfo) -> list[Review]:
        """The stage says what the latest review decided (archiving may come after any)."""
        stage = info.data.get("stage")
        if not reviews or stage in (None, "archived"):
            return reviews
        latest = max(reviews, key=lambda r: r.date)
        implied = "accepted" if latest.decision == "accepted" else "proposed"
        if stage != implied:
            raise ValueError(
                M_(
                    "stage is '%(stage)s' but the latest review (%(date)s) decided "
                    "'%(decision)s': set stage to '%(implied)s', or add the review that "
                    "changed it",
                    stage=stage,
                    date=latest.date,
                    decision=latest.decision,
                    implied=implied,
                )
            )
        return reviews


# --- actors ----------------------------------------------------------------


class Actor(Model):
    """An organisation taking part. Contact details are never stored here."""

    slug: Slug
    name: Line
    kind: ActorKind = "other"
    website: Url | None = None
    territory: Line | None = None
    description: Text | None = None
    allowance: Amount | None = None
    members: list[GitHubLogin] | None = None
    """The GitHub logins of the people entitled to commit the actor (SPEC, "Who may
    commit an actor"); never published."""


# --- pledges ---------------------------------------------------------------


class Condition(Model):
    """An assurance pledge counts only if these hold for the common's counted money."""

    total_at_least: Amount | GoalName | None = Field(
        None, json_schema_extra=AMOUNT_OR_GOAL_SCHEMA
    )  # the plain validator below leaves no schema: the forms' pattern and maxlength
    funders_at_least: Count | None = None

    @field_validator("total_at_least", mode="plain")
    @classmethod
    def _amount_or_goal(cls, value: Any) -> Any:
        from appel_a_communs.content.types import parse_amount

        if value is None or value in ("minimum", "stretch"):
            return value
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise ValueError(
                M_("%(problem)s; or write minimum or stretch", problem=exc.args[0])
            ) from None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if self.total_at_least is None and self.funders_at_least is None:
            raise ValueError(M_("a condition needs total_at_least or funders_at_least"))
        return self


class MoneyPledge(Model):
    amount: Amount
    currency: Currency | None = None
    status: MoneyStatus = "pledged"
    condition: Condition | None = None


class Skills(Model):
    days: Days
    description: Text


class Means(Model):
    description: Text
    value: Amount | None = None


class Source(Model):
    kind: SourceKind
    ref: Line | None = None


class Pledge(Model):
    """One actor's commitment to one common; joining is a pledge with only a role."""

    id: Slug
    actor: Slug
    common: Slug
    date: Date
    role: Role
    money: MoneyPledge | None = None
    skills: Skills | None = None
    means: Means | None = None
    note: Text | None = None
    source: Source | None = None
    round: Slug | None = None
    """The round it counts in; by default the round whose dates hold its date."""

    @model_validator(mode="before")
    @classmethod
    def _default_role(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("role") is None:
            data = {
                **data,
                "role": "funder" if data.get("money") is not None else "contributor",
            }
        return data


# --- reports ---------------------------------------------------------------


class Spending(Model):
    """Money a report says was spent on one line of the common's budget."""

    label: Line
    """The label of a line of the common's budget in the report's round."""
    amount: Amount


class Report(Model):
    """``content/reports/<slug>.md``: the follow-up a funded common publishes."""

    slug: Slug
    common: Slug
    date: Date
    round: Slug | None = None
    """The round it reports on; by default the last round the common took part in that
    had opened by its date (see ``funding.followup.report_round``)."""
    title: Line
    spent: list[Spending] = []
    body: Text = ""


# --- campaign --------------------------------------------------------------


class Matching(Model):
    funder: Slug
    pool: Amount
    method: MatchingMethod
    ratio: Ratio = Field(default=1, validate_default=True)
    cap: Share | None = None
    min_funders: Count = 2


class Eligibility(Model):
    """A round's published criteria; each common gets a checklist, which never fails a build."""

    open_license: Flag = False
    min_working_group: Count | None = None
    challenge: Flag = False
    budget: Flag = False

    @property
    def any(self) -> bool:
        """Whether it sets a criterion at all (``eligibility: {}`` sets none)."""
        return self.open_license or bool(self.min_working_group) or self.challenge or self.budget


class Campaign(Model):
    """A funding round: ``campaign.yml`` (a call of one round) or a file of ``rounds/``;
    without either, no round rules apply."""

    name: Line | None = None
    currency: Currency = "EUR"
    opens: Date | None = None
    closes: Date | None = None
    allow_overfunding: Flag = False
    max_per_actor_per_common: Amount | None = None
    sealed: Flag = False
    matching: Matching | None = None
    reviews: list[Date] = []
    """The dates at which proposals are reviewed, in this round."""
    allowances: dict[Slug, Amount] = {}
    """Actor slug → its allowance in this round (its own ``allowance`` otherwise)."""
    eligibility: Eligibility | None = None

    @field_validator("closes")
    @classmethod
    def _closes_after_opens(cls, value: Any, info: ValidationInfo) -> Any:
        opens = info.data.get("opens")
        if value is not None and opens is not None and value < opens:
            raise ValueError(
                M_("closes (%(closes)s) is before opens (%(opens)s)", closes=value, opens=opens)
            )
        return value


class Round(Campaign):
    """``content/rounds/<slug>.yml``: the keys of ``campaign.yml``, and its slug."""

    slug: Slug


# --- ordinary pages --------------------------------------------------------


class PageMeta(Model):
    """Front matter of ``content/pages/*.md``: Pelican's own keys cannot be set."""

    slug: Slug | None = None
    title: Line
    summary: Summary | None = None
    order: Order | None = None
