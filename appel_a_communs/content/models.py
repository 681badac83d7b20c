"""The content models: one source of truth for validation, JSON Schemas and forms.

Every key of ``SPEC.md`` is here, including those whose computation comes later.
Unknown keys are errors (``extra="forbid"``); nothing derived is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
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
    Points,
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

    name: Line = Field(description="The facilitator's name.")
    organisation: Line | None = Field(
        None, description="The organisation the facilitator belongs to."
    )
    url: Url | None = Field(None, description="A page about the facilitator.")


class Challenge(Model):
    slug: Slug = Field(description="The challenge's slug: its file's name unless written.")
    title: Line = Field(description="The challenge's title.")
    summary: Summary = Field(
        description="One line that says what the challenge is about, shown in lists."
    )
    status: ChallengeStatus = Field(
        "open", description="Whether the challenge still takes proposals."
    )
    facilitator: Facilitator | None = Field(
        None, description="The neutral resource person who links the actors of this challenge."
    )
    themes: list[Line] = Field([], description="Free tags.")
    deadline: Date | None = Field(None, description="The last day to answer the challenge.")
    body: Text = Field(
        "",
        description="The Markdown after the front matter: the problem, what a good answer looks "
        "like.",
    )


# --- commons ---------------------------------------------------------------


class Need(Model):
    kind: NeedKind = Field(description="What kind of resource is missing.")
    description: Text = Field(description="What is missing, in a few words (Markdown).")


class Deliverable(Model):
    title: Line = Field(description="What will be delivered.")
    due: Date | None = Field(None, description="The day it is due: undone after it, it is late.")
    done: Flag = Field(False, description="Delivered; done_on implies it.")
    done_on: Date | None = Field(
        None, description="The day it was delivered: it then shows on the common's timeline."
    )
    url: Url | None = Field(
        None, description="Where the deliverable can be seen (a release, a document, a dataset)."
    )

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
    label: Line = Field(description="What the money is for.")
    amount: Amount = Field(description="How much this line costs, in the budget's currency.")
    stretch: Flag = Field(
        False,
        description="Part of the stretch goal only: the lines without it make the minimum goal; "
        "all lines make the stretch goal.",
    )


class Budget(Model):
    currency: Currency | None = Field(
        None,
        description="The budget's currency: the call's currency (the campaign's or the round's).",
    )
    lines: list[BudgetLine] = Field(min_length=1, description="The lines of the budget.")
    existing_funding: Amount | None = Field(
        None,
        description="Money the common already has from elsewhere: shown apart, never inside the "
        "funding bar.",
    )


class Review(Model):
    """A decision taken on a common at a review date (a *relevé*), published with its reasons."""

    date: Date = Field(description="The review date (relevé) at which the decision was taken.")
    round: Slug | None = Field(
        None,
        description="The round it belongs to (a round's slug); by default the round whose "
        "review dates, then whose dates, hold its date.",
    )  # funding.rounds.review_round
    decision: Decision = Field(description="What was decided.")
    reasons: Text | None = Field(
        None, description="Why (short Markdown), published with the decision."
    )
    by: Line | None = Field(None, description="Who decided (free text: a jury, a committee).")


class Common(Model):
    slug: Slug = Field(description="The common's slug: its file's name unless written.")
    title: Line = Field(description="The common's name.")
    summary: Summary = Field(description="One line that says what the common is, shown in lists.")
    challenges: list[Slug] = Field(
        min_length=1,
        description="The challenges it answers (slugs of challenges); each must exist.",
    )
    stage: Stage = Field(
        "proposed",
        description="The review state, set by the maintainers; it must agree with the latest "
        "review's decision.",
    )
    maturity: Maturity | None = Field(None, description="How far along the resource is.")
    resource_types: list[ResourceType] = Field(
        [], description="What kind of resource the common is."
    )
    license: License | None = Field(
        default=None,
        validate_default=True,
        description="Its licence, an SPDX expression (Etalab-2.0 and ODbL-1.0 are SPDX "
        "identifiers); required once the common is accepted.",
    )
    repository: Url | None = Field(None, description="Where its source lives.")
    website: Url | None = Field(None, description="Its website.")
    proposed_by: list[Slug] = Field(
        min_length=1, description="The actors who propose it (slugs of actors); each must exist."
    )
    governance: Text | None = Field(None, description="How decisions are taken (short Markdown).")
    needs: list[Need] = Field([], description="The resources it lacks.")
    deliverables: list[Deliverable] = Field(
        [], description="What it will deliver: its progress is delivered / total."
    )
    budget: Budget | None = Field(
        None,
        description="Its budget, in every round it takes part in (unless budgets gives another).",
    )
    budgets: dict[Slug, Budget] = Field(
        {},
        description="Round slug → the common's budget in that round, where it differs from budget.",
    )
    reviews: list[Review] = Field(
        [], description="The decisions taken on it at review dates, published with their reasons."
    )
    tags: list[Line] = Field([], description="Free tags.")
    body: Text = Field(
        "",
        description="The Markdown after the front matter: the resource, its community, its "
        "governance, how citizens are involved.",
    )

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
    """An organisation taking part: it proposes commons, pledges to them (a funder pledges
    money) or holds a round's matching pool. Contact details are never stored here."""

    slug: Slug = Field(description="The actor's slug: its file's name unless written.")
    name: Line = Field(description="The organisation's name.")
    kind: ActorKind = Field("other", description="What kind of organisation it is.")
    website: Url | None = Field(None, description="Its website.")
    territory: Line | None = Field(None, description="Where it acts (a town, a region).")
    description: Text | None = Field(None, description="What it does (short Markdown).")
    allowance: Amount | None = Field(
        None,
        description="The money it may pledge in each round (a round's allowances may change it); "
        "without one, no limit.",
    )
    members: list[GitHubLogin] | None = Field(
        None,
        description="The GitHub logins of the people entitled to commit the actor: a "
        "submission in its name from anyone else is refused. Never published.",
    )  # SPEC, "Who may commit an actor"


# --- pledges ---------------------------------------------------------------


class Condition(Model):
    """An assurance pledge counts only if these hold for the common's counted money."""

    total_at_least: Amount | GoalName | None = Field(
        None,
        json_schema_extra=AMOUNT_OR_GOAL_SCHEMA,
        description="The least the common's counted money (this pledge included) must "
        "reach: an amount, or minimum or stretch for the common's goals.",
    )  # the plain validator below leaves no schema: the forms' pattern and maxlength
    funders_at_least: Count | None = Field(
        None,
        description="The least number of distinct actors funding the common, this pledge's actor "
        "included.",
    )

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
    amount: Amount = Field(description="How much money.")
    currency: Currency | None = Field(None, description="Its currency: the call's currency.")
    status: MoneyStatus = Field(
        "pledged", description="Where the money stands: promised, confirmed, or actually paid."
    )
    condition: Condition | None = Field(
        None, description="An assurance pledge: it counts only if the condition holds."
    )


class Skills(Model):
    days: Days = Field(description="Days of work.")
    description: Text = Field(description="What work (short Markdown).")


class Means(Model):
    description: Text = Field(description="What technical means (hosting, equipment, premises…).")
    value: Amount | None = Field(None, description="What they are worth, as an optional valuation.")


class Source(Model):
    kind: SourceKind = Field(
        description="Where the pledge came from; written by the submission processor."
    )
    ref: Line | None = Field(
        None, description="Its reference there (an issue number, a form's id)."
    )


class Pledge(Model):
    """One actor's commitment to one common; joining is a pledge with only a role."""

    id: Slug = Field(description="The pledge's id: its file's name, never written in the file.")
    actor: Slug = Field(description="The actor who pledges (an actor's slug); it must exist.")
    common: Slug = Field(description="The common it pledges to (a common's slug); it must exist.")
    date: Date = Field(
        description="The day of the pledge: it gives the pledge's round unless round is written."
    )
    role: Role = Field(
        description="The actor's role in the common: funder when money is given, else "
        "contributor, unless written. Joining a common is a pledge with a role and "
        "nothing else.",
    )
    money: MoneyPledge | None = Field(None, description="Money pledged.")
    skills: Skills | None = Field(None, description="Work pledged.")
    means: Means | None = Field(None, description="Technical means pledged.")
    note: Text | None = Field(None, description="A note (short Markdown).")
    source: Source | None = Field(
        None, description="Where the pledge came from (written by the submission processor)."
    )
    round: Slug | None = Field(
        None,
        description="The round it counts in (a round's slug); by default the round whose "
        "dates hold its date.",
    )
    withdrawn: Date | None = Field(
        None,
        description="The day the actor took the pledge back: from that day it counts "
        "nowhere, and it stays listed, marked withdrawn. A paid pledge cannot be withdrawn.",
    )

    @field_validator("withdrawn")
    @classmethod
    def _withdrawn_after_pledge_and_unpaid(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return value
        money = info.data.get("money")
        if money is not None and money.status == "paid":
            raise ValueError(M_("a paid pledge cannot be withdrawn (its money.status is paid)"))
        made = info.data.get("date")
        if made is not None and value < made:
            raise ValueError(
                M_(
                    "withdrawn (%(withdrawn)s) is before the pledge's date (%(date)s)",
                    withdrawn=value,
                    date=made,
                )
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _default_role(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("role") is None:
            data = {
                **data,
                "role": "funder" if data.get("money") is not None else "contributor",
            }
        return data


class Withdrawal(Model):
    """What a ``withdraw`` submission asks: that a pledge be withdrawn. No file of its own:
    ``process`` writes the submission's day as ``withdrawn`` into the pledge's file."""

    pledge: Slug = Field(
        description="The pledge to withdraw: its id, the name of its file in content/pledges/."
    )
    note: Text | None = Field(
        None,
        description="Why, for the call's team (short Markdown): quoted in the summary of "
        "process, never written into the pledge.",
    )


# --- reports ---------------------------------------------------------------


class Spending(Model):
    """Money a report says was spent on one line of the common's budget."""

    label: Line = Field(
        description="The label of a line of the common's budget in the report's round."
    )
    amount: Amount = Field(description="How much was spent on it.")


class Report(Model):
    """``content/reports/<slug>.md``: the follow-up a funded common publishes."""

    slug: Slug = Field(description="The report's slug: its file's name unless written.")
    common: Slug = Field(description="The common it reports on (a common's slug); it must exist.")
    date: Date = Field(description="The day of the report.")
    round: Slug | None = Field(
        None,
        description="The round it reports on (a round's slug); by default the last round "
        "the common took part in that had opened by its date.",
    )  # funding.followup.report_round
    title: Line = Field(description="The report's title.")
    spent: list[Spending] = Field(
        [],
        description="Money spent, line by line of the common's budget; never more than the money "
        "secured in the round.",
    )
    body: Text = Field("", description="The Markdown after the front matter: what was done.")


# --- campaign --------------------------------------------------------------


class Matching(Model):
    funder: Slug = Field(description="The actor who holds the matching pool (an actor's slug).")
    pool: Amount = Field(description="The money of the pool.")
    method: MatchingMethod = Field(description="How the pool is shared among the accepted commons.")
    ratio: Ratio = Field(
        default=1,
        validate_default=True,
        description="Proportional matching: how much the pool adds per unit of money pledged.",
    )
    cap: Share | None = Field(
        None, description="The largest share of the pool one common may get, between 0 and 1."
    )
    min_funders: Count = Field(
        2, description="The least number of distinct funders a common needs to be matched."
    )
    challenges: list[Slug] = Field(
        [],
        description="The pool matches only the commons that answer at least one of these "
        "challenges (challenges' slugs); empty: any common.",
    )
    proposer_kinds: list[ActorKind] = Field(
        [],
        description="The pool matches only the commons proposed by at least one actor of these "
        "kinds; empty: any common.",
    )
    max_share: Share | None = Field(
        None,
        description="The largest match a common may get from the pool, as a share of its "
        "stretch goal in the round (0.7: at most 70 % of its budget), between 0 and 1.",
    )


POOLS_TAG = "[]"
"""The tag of ``matching`` written as a list, left out of the place an error names (a
list's errors read ``matching[1].funder``, a mapping's ``matching.funder``)."""


def _matching_shape(value: Any) -> str:
    return POOLS_TAG if isinstance(value, list | tuple) else ""


MatchingPools = Annotated[
    Annotated[Matching, Tag("")] | Annotated[list[Matching], Tag(POOLS_TAG)],
    Discriminator(_matching_shape),
]
"""One matching pool (a mapping) or several (a list of them)."""


class Eligibility(Model):
    """A round's published criteria; each common gets a checklist, which never fails a build."""

    open_license: Flag = Field(
        False,
        description="A common must have an open licence (every licence of its expression OSI-"
        "approved, FSF-free, or an open data or content licence).",
    )
    min_working_group: Count | None = Field(
        None, description="The least number of distinct actors in a common's working group."
    )
    challenge: Flag = Field(False, description="A common must answer at least one open challenge.")
    budget: Flag = Field(False, description="A common must have a budget with a minimum goal.")

    @property
    def any(self) -> bool:
        """Whether it sets a criterion at all (``eligibility: {}`` sets none)."""
        return self.open_license or bool(self.min_working_group) or self.challenge or self.budget


class Criterion(Model):
    """One of a jury's published criteria."""

    id: Slug = Field(description="The criterion's id: the key of its score in the scores.")
    label: Line = Field(description="What the criterion weighs, as pages show it.")
    weight: Count = Field(description="Its weight in the total (a whole number, 1 or more).")


class Reviewer(Model):
    """A member of the jury; the name is public, what they scored never is."""

    id: Slug = Field(description="The reviewer's id, as the scores name them.")
    name: Line = Field(description="The reviewer's name, published on the jury's page.")
    ties: list[Slug] = Field(
        [],
        description="The actors the reviewer is tied to (slugs of actors): the reviewer may not "
        "score a common one of them proposes or pledged money to in the round.",
    )


class Evaluation(Model):
    """A round's jury: its criteria, their weights and scale, its reviewers."""

    scale: Count = Field(description="The highest score on every criterion (scores go from 0).")
    criteria: list[Criterion] = Field(min_length=1, description="The criteria, with their weights.")
    reviewers: list[Reviewer] = Field(min_length=1, description="The members of the jury.")
    min_reviewers: Count = Field(
        2,
        description="The least number of reviewers who scored a common for its total to be "
        "given (below, it is incomplete).",
    )

    @field_validator("criteria", "reviewers")
    @classmethod
    def _ids_once(cls, items: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(M_("'%(id)s' is listed twice", id=item.id))
            seen.add(item.id)
        return items

    @field_validator("criteria")
    @classmethod
    def _criteria_not_reserved(cls, items: list[Criterion]) -> list[Criterion]:
        for item in items:
            if item.id in Score.model_fields:
                message = M_(
                    "'%(id)s' is a key of every score: give the criterion another id", id=item.id
                )
                raise ValueError(message)
        return items


class Campaign(Model):
    """A funding round: ``campaign.yml`` (a call of one round) or a file of ``rounds/``;
    without either, no round rules apply."""

    name: Line | None = Field(None, description="The round's name, as pages show it.")
    currency: Currency = Field(
        "EUR", description="The call's currency (ISO 4217); every amount of the call is in it."
    )
    opens: Date | None = Field(None, description="The first day of the round.")
    closes: Date | None = Field(None, description="The last day of the round; not before opens.")
    allow_overfunding: Flag = Field(
        False, description="Whether pledges may go beyond a common's stretch goal."
    )
    max_per_actor_per_common: Amount | None = Field(
        None, description="The most money one actor may pledge to one common in the round."
    )
    sealed: Flag = Field(
        False,
        description="Per-actor amounts stay hidden everywhere (pages and data files) until closes"
        " has passed.",
    )
    matching: MatchingPools | None = Field(
        None,
        description="A matching pool that adds money to the commons' pledges, or a list of "
        "pools, one per matching funder, each with its own rules.",
    )
    reviews: list[Date] = Field(
        [], description="The dates at which proposals are reviewed, in this round."
    )
    allowances: dict[Slug, Amount] = Field(
        {},
        description="Actor slug → its allowance in this round (its own allowance otherwise).",
    )
    eligibility: Eligibility | None = Field(
        None,
        description="The round's published eligibility criteria: each common gets a checklist, "
        "which never fails a build.",
    )

    evaluation: Evaluation | None = Field(
        None,
        description="The round's jury: criteria with their weights, reviewers, and the scores of "
        "content/evaluations/<round>/.",
    )

    @property
    def pools(self) -> list[Matching]:
        """Its matching pools, in the file's order (empty: no matching)."""
        if self.matching is None:
            return []
        return [self.matching] if isinstance(self.matching, Matching) else list(self.matching)

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

    slug: Slug = Field(
        description="The round's slug: its file's name unless written (not in campaign.yml)."
    )


# --- evaluations -----------------------------------------------------------


class Score(Model):
    """One reviewer's scores on one common: a key per criterion of the round's jury."""

    model_config = ConfigDict(extra="allow", frozen=True)
    __pydantic_extra__: dict[str, Points]  # criterion id → its score, 0 to the round's scale

    reviewer: Slug = Field(description="Who scored (a reviewer's id in the round's jury).")
    comment: Text | None = Field(
        None,
        description="A short comment (Markdown), published without the reviewer's name.",
    )

    @property
    def points(self) -> dict[str, int]:
        """Criterion id → the score given."""
        return dict(self.model_extra or {})


class EvaluationScores(Model):
    """A jury's scores on one common in one round."""

    round: Slug = Field(description="The round: its folder's name, never written in the file.")
    common: Slug = Field(description="The common scored: the file's name, never written in it.")
    date: Date = Field(description="The day of the scores.")
    scores: list[Score] = Field(
        min_length=1,
        description="One entry per reviewer: reviewer, an integer for every criterion of the "
        "round's jury (0 to its scale), and an optional comment.",
    )

    @property
    def id(self) -> str:
        """``<round>/<common>``: the file's place in ``evaluations/``."""
        return f"{self.round}/{self.common}"


# --- ordinary pages --------------------------------------------------------


class PageMeta(Model):
    """Front matter of ``content/pages/*.md``: Pelican's own keys cannot be set."""

    slug: Slug | None = Field(None, description="The page's slug: its file's name unless written.")
    title: Line = Field(description="The page's title.")
    summary: Summary | None = Field(None, description="One line about the page.")
    order: Order | None = Field(
        None, description="Where the page comes in the menu (smaller first)."
    )
