"""The kinds of content a call holds: one registry that the loader, the submission
processor, the published schemas and the plugin's settings all read, so that a folder,
a suffix or a model is named in one place only."""

from __future__ import annotations

from dataclasses import dataclass

from appel_a_communs.content.models import (
    Actor,
    Campaign,
    Challenge,
    Common,
    EvaluationScores,
    Model,
    PageMeta,
    Pledge,
    Report,
    Round,
)

MARKDOWN_SUFFIXES = (".md", ".markdown")
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class ContentKind:
    folder: str
    """The folder under ``content/``, which is also the Catalogue's attribute."""
    model: type[Model]
    markdown: bool
    """Markdown with a YAML front matter (its body is the model's ``body``), or YAML."""
    key: str
    """The model field that the file's stem gives: ``slug``, or ``id`` for pledges."""
    schema: str
    """The file name of its published JSON Schema."""
    nested: bool = False
    """One folder per round: the folder's name gives ``round``, the file's stem ``common``
    (``evaluations/<round>/<common>.yml``); ``key`` is then a property of the model."""

    @property
    def suffixes(self) -> tuple[str, ...]:
        return MARKDOWN_SUFFIXES if self.markdown else YAML_SUFFIXES

    @property
    def suffix(self) -> str:
        """The suffix of the files the tool writes."""
        return self.suffixes[0]


KINDS: dict[str, ContentKind] = {
    kind.folder: kind
    for kind in (
        ContentKind("challenges", Challenge, markdown=True, key="slug", schema="challenge.json"),
        ContentKind("commons", Common, markdown=True, key="slug", schema="common.json"),
        ContentKind("actors", Actor, markdown=False, key="slug", schema="actor.json"),
        ContentKind("pledges", Pledge, markdown=False, key="id", schema="pledge.json"),
        ContentKind("rounds", Round, markdown=False, key="slug", schema="round.json"),
        ContentKind("reports", Report, markdown=True, key="slug", schema="report.json"),
        ContentKind(
            "evaluations",
            EvaluationScores,
            markdown=False,
            key="id",
            schema="evaluation.json",
            nested=True,
        ),
    )
}
"""The catalogue's folders, in the order they are read and reported."""

CAMPAIGN_FILE = "campaign.yml"
"""A call of one round; a call of several keeps one file per round in ``rounds/``."""
CAMPAIGN_ROUND = "campaign"
"""The slug of the one round of a call that has ``campaign.yml``."""
CAMPAIGN_SCHEMA = ("campaign.json", Campaign)
PAGES_FOLDER = "pages"
PAGE_SCHEMA = ("page.json", PageMeta)
