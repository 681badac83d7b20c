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
    ActorKind,
    Amount,
    ChallengeStatus,
    Count,
    Currency,
    Date,
    Days,
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


class BudgetLine(Model):
    label: Line
    amount: Amount
    stretch: Flag = False


class Budget(Model):
    currency: Currency | None = None
    lines: list[BudgetLine] = Field(min_length=1)
    existing_funding: Amount | None = None


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

    total_at_least: Amount | GoalName | None = None
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

    @model_validator(mode="before")
    @classmethod
    def _default_role(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("role") is None:
            data = {
                **data,
                "role": "funder" if data.get("money") is not None else "contributor",
            }
        return data


# --- campaign --------------------------------------------------------------


class Matching(Model):
    funder: Slug
    pool: Amount
    method: MatchingMethod
    ratio: Ratio = Field(default=1, validate_default=True)
    cap: Share | None = None
    min_funders: Count = 2


class Campaign(Model):
    """The funding round; without ``campaign.yml`` no round rules apply."""

    name: Line | None = None
    currency: Currency = "EUR"
    opens: Date | None = None
    closes: Date | None = None
    allow_overfunding: Flag = False
    max_per_actor_per_common: Amount | None = None
    sealed: Flag = False
    matching: Matching | None = None

    @field_validator("closes")
    @classmethod
    def _closes_after_opens(cls, value: Any, info: ValidationInfo) -> Any:
        opens = info.data.get("opens")
        if value is not None and opens is not None and value < opens:
            raise ValueError(
                M_("closes (%(closes)s) is before opens (%(opens)s)", closes=value, opens=opens)
            )
        return value


# --- ordinary pages --------------------------------------------------------


class PageMeta(Model):
    """Front matter of ``content/pages/*.md``: Pelican's own keys cannot be set."""

    slug: Slug | None = None
    title: Line
    summary: Summary | None = None
    order: Order | None = None
