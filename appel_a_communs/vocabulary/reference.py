"""The content reference (``docs/reference.md``), generated from the models: every key of
every kind of content file, its type in plain words, whether it is required, its default,
its allowed values (with their labels) and limits, its description (the models' Field
descriptions) and an example; then the site's ``CATALOGUE_*`` settings (``SiteSettings``).

The models are the one source of truth: a field added to a model appears here, and a type
the reference cannot put in words is an error (``UnknownType``), never a silent gap. The
output is deterministic (the models' order, no date, no version), so that a test can hold
the committed file to it byte for byte. Its examples are read by the real reader in the
tests (``tests/test_reference.py``), so they never go stale either.

It lives in the vocabulary, not the content, because it shows the labels of the
enumerations (``vocabulary.labels``).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from types import UnionType
from typing import Any, Literal

from annotated_types import Ge, Gt, MinLen
from pydantic import BaseModel, PlainValidator
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from appel_a_communs.content import types as t
from appel_a_communs.content.kinds import CAMPAIGN_FILE, KINDS, PAGES_FOLDER, ContentKind
from appel_a_communs.content.models import Campaign, PageMeta, Pledge, Round
from appel_a_communs.content.settings import (
    DEFAULT_PATTERNS,
    ITEMS,
    PREFIX,
    SiteSettings,
    setting_name,
)
from appel_a_communs.vocabulary.labels import LABELS

COMMAND = "python scripts/reference.py"
"""What writes the repository's ``docs/reference.md`` (``appel-a-communs reference
--output docs/reference.md``); its staleness test says it."""


class UnknownType(TypeError):
    """A field whose type the reference cannot put in words: add it to ``VALUE_TYPES``."""


# --- value types -------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueType:
    name: str
    """What the reference calls it, singular; the anchor of its row is ``value-types``."""
    plural: str
    written: str
    """How one is written, as an example."""
    rule: str
    limit: str = ""
    """The limit that the rows of its fields repeat (the rule says it all)."""


VALUE_TYPES: dict[Any, ValueType] = {
    t.check_slug: ValueType(
        "slug",
        "slugs",
        "`velo-cargo-partage`",
        "lowercase ASCII letters, digits and single hyphens "
        f"(`{t.SLUG_PATTERN}`), {t.MAX_SLUG} characters at most",
    ),
    t._check_line: ValueType(
        "line of text", "lines of text", "`Vélo-cargo partagé`", "one line, not empty"
    ),
    t._check_summary: ValueType(
        "short line of text", "short lines of text", "`Plans ouverts de vélos-cargos.`",
        "one line, not empty, 200 characters at most", "200 characters at most",
    ),
    t._check_text: ValueType(
        "text", "texts", "`Des testeurs dans trois quartiers.`",
        "any text, on several lines if need be; Markdown where it is shown as such",
    ),
    t.parse_amount: ValueType(
        'amount ("3000.00")', "amounts", '`"2500.50"` or `2500`',
        "a positive decimal number, quoted, or a whole number: a dot for decimals, two "
        f"decimals at most, no thousands separator, no exponent, {t.MAX_AMOUNT} at most",
    ),
    t.parse_days: ValueType(
        'number of days ("2.5")', "numbers of days", '`3` or `"2.5"`',
        f"a positive number, one decimal at most, {t.MAX_DAYS} at most",
    ),
    t.parse_ratio: ValueType(
        'decimal number ("0.5")', "decimal numbers", '`1` or `"0.5"`',
        f"0 or more, four decimals at most, {t.MAX_RATIO} at most",
    ),
    t.parse_share: ValueType(
        'share ("0.25")', "shares", '`"0.25"`', "between 0 and 1, four decimals at most",
        "0 to 1",
    ),
    t._check_count: ValueType("whole number", "whole numbers", "`2`", "1 or more", "1 or more"),
    t._check_order: ValueType(
        "whole number (any)", "whole numbers", "`3` or `-1`", "any whole number"
    ),
    t._check_bool: ValueType(
        "true or false", "true or false", "`true` or `false`", "`true` or `false` only"
    ),
    t.parse_date: ValueType(
        "date", "dates", "`2026-03-01`", "YYYY-MM-DD, a day without a time"
    ),
    t.check_url: ValueType(
        "URL", "URLs", "`https://example.org/velo-cargo`",
        f"`http://` or `https://` only, no spaces, {t.MAX_URL} characters at most",
    ),
    t.check_license: ValueType(
        "SPDX licence expression", "SPDX licence expressions", "`MIT OR Apache-2.0`",
        "SPDX licence identifiers joined by `AND`, `OR`, `WITH` (see https://spdx.org/licenses/)",
    ),
    t.check_currency: ValueType(
        "currency code", "currency codes", "`EUR`", "an ISO 4217 currency code"
    ),
    t._check_login: ValueType(
        "GitHub login", "GitHub logins", "`octocat`",
        "letters, digits and single hyphens, 39 characters at most, without `@`",
    ),
}  # fmt: skip
"""The value types of the models (``content.types``), by their validator."""

LABEL_GROUPS: dict[tuple[str, ...], str] = {
    typing.get_args(t.ChallengeStatus): "challenge_status",
    typing.get_args(t.Stage): "stage",
    typing.get_args(t.Maturity): "maturity",
    typing.get_args(t.ResourceType): "resource_type",
    typing.get_args(t.NeedKind): "need",
    typing.get_args(t.ActorKind): "kind_one",
    typing.get_args(t.Role): "role",
    typing.get_args(t.MoneyStatus): "money_status",
    typing.get_args(t.Decision): "decision",
}
"""The labels' group of each enumeration that has labels (the words the pages show)."""


# --- sections ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    path: str
    """Where the file goes, under ``content/``."""
    text: str


@dataclass(frozen=True)
class Section:
    title: str
    """Its heading, as the kinds registry names the folder (``Campaign and rounds``)."""
    model: type[BaseModel]
    files: str
    """Where its files are, in Markdown."""
    markdown: bool
    key: str | None
    """The key the file's name gives (``slug``, or ``id``, never written), if any."""
    examples: tuple[Example, ...]
    implied: tuple[tuple[str, str], ...] = ()
    """Keys whose default a rule of the model computes: (key, the default in words)."""
    intro: str | None = None
    """What follows the files' place, instead of the sentence on the key and the model's
    docstring."""
    from_path: tuple[tuple[str, str], ...] = ()
    """Keys the file's place gives, never written: (key, where it comes from in words)."""


def _kind_section(kind: ContentKind, title: str, examples: tuple[Example, ...]) -> Section:
    if kind.nested:
        return Section(
            title,
            kind.model,
            f"`content/{kind.folder}/<round>/<common>{kind.suffix}`",
            kind.markdown,
            None,
            examples,
            intro="One folder per round, named after the round; in it, one file per common, "
            "named after the common. " + _doc(kind.model),
            from_path=(("round", "the folder's name"), ("common", "the file's name")),
        )
    name = "<id>" if kind.key == "id" else "<slug>"
    files = f"`content/{kind.folder}/{name}{kind.suffix}`"
    implied = (("role", "`funder` when `money` is given, else `contributor`"),)
    return Section(
        title,
        kind.model,
        files,
        kind.markdown,
        kind.key,
        examples,
        implied if kind.model is Pledge else (),
    )


EXAMPLES: dict[str, tuple[Example, ...]] = {
    "challenges": (
        Example(
            "challenges/mobilite-douce.md",
            """\
---
title: Mobilité douce
summary: Des outils partagés pour se déplacer sans voiture.
status: open
facilitator:
  name: Camille Martin
  organisation: Agence des mobilités
  url: https://example.org/camille-martin
themes:
  - vélo
  - logistique
deadline: 2026-06-30
---
Ce qui manque aujourd'hui, et à quoi ressemblerait une bonne réponse.
""",
        ),
    ),
    "commons": (
        Example(
            "commons/velo-cargo-partage.md",
            """\
---
title: Vélo-cargo partagé
summary: Plans ouverts et logiciel de réservation de vélos-cargos.
challenges:
  - mobilite-douce
proposed_by:
  - atelier-du-velo
stage: accepted
maturity: prototype
resource_types:
  - hardware
  - software
license: CERN-OHL-S-2.0 AND AGPL-3.0-or-later
repository: https://github.com/example/velo-cargo
website: https://velo-cargo.example.org
governance: Un comité de pilotage ouvert, qui se réunit chaque mois.
needs:
  - kind: testing
    description: Des testeurs dans trois quartiers.
deliverables:
  - title: Plans v1
    due: 2026-09-30
    done_on: 2026-09-12
    url: https://example.org/plans-v1
  - title: Logiciel de réservation
    due: 2026-12-15
budget:
  lines:
    - label: Prototype
      amount: "8000"
    - label: Documentation
      amount: "2000.50"
      stretch: true
  existing_funding: "1500"
reviews:
  - date: 2026-04-15
    decision: accepted
    reasons: Répond au défi, avec un budget clair.
    by: Jury du tour 2026
tags:
  - vélo
---
La ressource, sa communauté, sa gouvernance, la place des citoyens.
""",
        ),
    ),
    "actors": (
        Example(
            "actors/metropole-belleville.yml",
            """\
name: Métropole de Belleville
kind: public-body
website: https://www.belleville.example
territory: Belleville
description: La métropole finance les communs de la mobilité.
allowance: "20000"
members:
  - octocat
""",
        ),
        Example(
            "actors/atelier-du-velo.yml",
            """\
name: L'Atelier du vélo
kind: association
""",
        ),
    ),
    "pledges": (
        Example(
            "pledges/metropole-belleville-velo-cargo.yml",
            """\
actor: metropole-belleville
common: velo-cargo-partage
date: 2026-04-20
money:
  amount: "5000"
  status: confirmed
  condition:
    total_at_least: "3000"
note: Voté au conseil du 18 avril.
""",
        ),
        Example(
            "pledges/atelier-du-velo-velo-cargo.yml",
            """\
actor: atelier-du-velo
common: velo-cargo-partage
date: 2026-04-22
role: maintainer
skills:
  days: "12.5"
  description: Montage et tests des prototypes.
means:
  description: Un atelier équipé.
  value: "1200"
source:
  kind: github-issue
  ref: "42"
""",
        ),
    ),
    "rounds": (
        Example(
            CAMPAIGN_FILE,
            """\
name: Appel 2026
currency: EUR
opens: 2026-03-01
closes: 2026-06-30
sealed: true
""",
        ),
        Example(
            "rounds/tour-2026.yml",
            """\
name: Tour 2026
opens: 2026-03-01
closes: 2026-06-30
allow_overfunding: false
max_per_actor_per_common: "10000"
reviews:
  - 2026-04-15
allowances:
  metropole-belleville: "20000"
matching:
  funder: metropole-belleville
  pool: "10000"
  method: proportional
  ratio: "0.5"
  cap: "0.5"
  min_funders: 2
eligibility:
  open_license: true
  min_working_group: 2
  challenge: true
  budget: true
evaluation:
  scale: 5
  criteria:
    - id: impact
      label: Impact sur le territoire
      weight: 3
    - id: faisabilite
      label: Faisabilité
      weight: 2
  reviewers:
    - id: jeanne
      name: Jeanne Moreau
      ties:
        - metropole-belleville
    - id: paul
      name: Paul Lefèvre
  min_reviewers: 2
""",
        ),
    ),
    "evaluations": (
        Example(
            "evaluations/tour-2026/velo-cargo-partage.yml",
            """\
date: 2026-04-15
scores:
  - reviewer: paul
    impact: 4
    faisabilite: 3
    comment: Une équipe solide, un calendrier serré.
""",
        ),
    ),
    "reports": (
        Example(
            "reports/velo-cargo-partage-2026.md",
            """\
---
common: velo-cargo-partage
date: 2026-10-01
round: tour-2026
title: Premiers prototypes
spent:
  - label: Prototype
    amount: "4000"
---
Ce qui a été fait, ce qui reste à faire.
""",
        ),
    ),
    PAGES_FOLDER: (
        Example(
            f"{PAGES_FOLDER}/a-propos.md",
            """\
---
title: À propos
summary: Qui porte l'appel, et comment y répondre.
order: 1
---
L'appel, sa charte, comment participer.
""",
        ),
    ),
}
"""One small valid call: the tests read it with the real reader (``load_catalogue``), the
campaign file apart (a call has ``campaign.yml`` or ``rounds/``, never both)."""

TITLES = {
    "challenges": "Challenges",
    "commons": "Commons",
    "actors": "Actors",
    "pledges": "Pledges",
    "rounds": "Campaign and rounds",
    "reports": "Reports",
    "evaluations": "Evaluations",
}


def sections() -> list[Section]:
    """The kinds of content file, in the registry's order, then the ordinary pages."""
    found = []
    for folder, kind in KINDS.items():
        section = _kind_section(kind, TITLES.get(folder, folder.capitalize()), EXAMPLES[folder])
        if kind.model is Round:
            section = Section(
                section.title,
                Round,
                f"`content/{CAMPAIGN_FILE}` (a call of one round) or "
                f"`content/{folder}/<slug>{kind.suffix}` (one file per round), "
                "never both",
                False,
                "slug",
                section.examples,
                intro="The same keys in both; a file of `rounds/` may also write `slug` "
                "(its file's name otherwise), `campaign.yml` may not. " + _doc(Campaign),
            )
        found.append(section)
    found.append(
        Section(
            "Pages",
            PageMeta,
            f"`content/{PAGES_FOLDER}/<slug>.md`",
            True,
            "slug",
            EXAMPLES[PAGES_FOLDER],
        )
    )
    return found


# --- words of a type -----------------------------------------------------------------------


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation out, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.lower().replace("`", ""))
    return text.replace(" ", "-")


def cell(text: str) -> str:
    """A table cell: one line, its ``|`` escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _validator(metadata: Any) -> Any:
    for item in metadata:
        if isinstance(item, PlainValidator):
            return item.func
    return None


def _parts(annotation: Any) -> list[Any]:
    """A union's members but None."""
    if typing.get_origin(annotation) in (typing.Union, UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


@dataclass
class Words:
    type: str
    values: list[str]
    nested: list[tuple[str, type[BaseModel]]]
    """(path, model) of the mappings it holds, for their own tables."""


def _literal_values(args: tuple[Any, ...]) -> list[str]:
    group = LABELS.get(LABEL_GROUPS.get(tuple(args), ""), {})
    return [f"`{a}` ({group[a]})" if group.get(a, a) != a else f"`{a}`" for a in args]


def describe(annotation: Any, path: str, plural: bool = False) -> Words:
    """A type in plain words, its allowed values and the models it holds (``path``: where
    its value sits, ``needs[]``, for the headings of those models)."""
    parts = _parts(annotation)
    if len(parts) > 1:
        words = [describe(part, path, plural) for part in parts]
        return Words(
            " or ".join(w.type for w in words),
            [v for w in words for v in w.values],
            [n for w in words for n in w.nested],
        )
    (annotation,) = parts
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        func = _validator(metadata)
        if func in VALUE_TYPES:
            known = VALUE_TYPES[func]
            name = known.plural if plural else known.name
            return Words(f"[{name}](#value-types)", [known.limit] * bool(known.limit), [])
        return describe(base, path, plural)
    if origin is Literal:
        what = "values" if plural else "one of the values"
        return Words(what, _literal_values(typing.get_args(annotation)), [])
    if origin is list:
        (item,) = typing.get_args(annotation)
        inner = describe(item, f"{path}[]", plural=True)
        return Words(f"list of {inner.type}", inner.values, inner.nested)
    if origin is dict:
        key, value = typing.get_args(annotation)
        keys = describe(key, path)
        inner = describe(value, f"{path}.<key>")
        return Words(f"map: {keys.type} → {inner.type}", inner.values, inner.nested)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Words("mapping" if not plural else "mappings", [], [(path, annotation)])
    raise UnknownType(f"{path}: the reference has no words for {annotation!r}")


def _field_annotation(info: FieldInfo) -> Any:
    if info.metadata:
        return typing.Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def limits(info: FieldInfo) -> list[str]:
    """The field's own limits (its type's are in the value types' table)."""
    found = []
    for item in info.metadata:
        if isinstance(item, MinLen):
            found.append(f"at least {item.min_length} item{'s' * (item.min_length != 1)}")
        elif isinstance(item, Ge):
            found.append(f"at least {item.ge}")
        elif isinstance(item, Gt):
            found.append(f"more than {item.gt}")
    return found


def yaml_value(value: Any) -> str:
    """A default as a file writes it."""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if value == [] or value == {}:
        return "`[]`" if value == [] else "`{}`"
    if isinstance(value, date):
        return f"`{value.isoformat()}`"
    return f"`{value}`"


def default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        return yaml_value(info.default_factory())  # type: ignore[call-arg]
    if info.default is PydanticUndefined or info.default is None:
        return ""
    return yaml_value(info.default)


# --- the document --------------------------------------------------------------------------

HEAD = """\
# Content reference

<!-- Generated from the models by `appel-a-communs reference` (in the tool's repository:
`{command}`): do not edit by hand. -->

Every key of every content file of a call, as the installed version of appel-a-communs
reads it: its type, whether it is required, its default, its allowed values and its
limits. It is generated from the models that check the files, so it is never out of date
for the version that printed it (`appel-a-communs reference`). Keys are written in English
whatever the site's language; the labels beside the allowed values are the words the
pages show (in English here, in the site's language on the site). A key that is not listed
is an error, and so is a value outside what its type allows.

"""


def _row(
    name: str, info: FieldInfo, section: Section, path: str, first: dict[type[BaseModel], str]
) -> tuple[str, Words]:
    words = describe(_field_annotation(info), path)
    required = "yes" if info.is_required() else "no"
    default_text = default(info)
    implied = dict(section.implied)
    if name in implied:
        required, default_text = "no", implied[name]
    if name == section.key and "." not in path:
        required = "never written" if name == "id" else "no"
        default_text = "the file's name"
    if name in dict(section.from_path) and "." not in path:
        required, default_text = "never written", dict(section.from_path)[name]
    values = [*words.values, *limits(info)]
    kind_type = words.type
    if words.nested:  # one model per field: a link to its table
        nested_path, model = words.nested[0]
        target = anchor(_nested_heading(section, first.get(model, nested_path)))
        kind_type = re.sub(
            r"\bmappings?\b", lambda m: f"[{m.group()}](#{target})", kind_type, count=1
        )
    cells = [f"`{name}`", kind_type, required, default_text, ", ".join(values),
             info.description or ""]  # fmt: skip
    return "| " + " | ".join(cell(c) for c in cells) + " |", words


def _nested_heading(section: Section, path: str) -> str:
    return f"{section.title}: `{path}`"


TABLE_HEAD = (
    "| key | type | required | default | allowed values, limits | description |\n"
    "|---|---|---|---|---|---|\n"
)


def _table(
    model: type[BaseModel],
    section: Section,
    prefix: str,
    first: dict[type[BaseModel], str],
) -> tuple[str, list[tuple[str, type[BaseModel]]]]:
    rows, nested = [], []
    for name, info in model.model_fields.items():
        if section.markdown and name == "body" and not prefix:
            continue
        row, words = _row(name, info, section, f"{prefix}{name}", first)
        rows.append(row)
        nested.extend(words.nested)
    return TABLE_HEAD + "\n".join(rows) + "\n", nested


def _first_paths(section: Section) -> dict[type[BaseModel], str]:
    """Where each model a section holds is first met, in the order its tables come: the
    heading of its one table, which every field holding it links to."""
    first: dict[type[BaseModel], str] = {}
    queue: list[tuple[str, type[BaseModel]]] = [("", section.model)]
    while queue:
        path, model = queue.pop(0)
        if model in first:
            continue
        first[model] = path
        more = []
        for name, info in model.model_fields.items():
            more.extend(describe(_field_annotation(info), f"{path}.{name}".lstrip(".")).nested)
        queue = [*more, *queue]
    return first


def _doc(model: type[BaseModel]) -> str:
    """A model's own docstring on one line (pydantic gives a model without one its base's)."""
    doc = model.__dict__.get("__doc__") or ""
    return " ".join(doc.replace("``", "`").split())


def section_text(section: Section) -> str:
    model = section.model
    out = [f"## {section.title}\n\n"]
    kind = "Markdown, with the keys below as its YAML front matter" if section.markdown else "YAML"
    intro = f"{section.files}: {kind}."
    if section.intro is not None:
        intro += f" {section.intro}"
    elif section.key == "slug":
        intro += " Its slug is the file's name, unless it writes `slug`."
    elif section.key == "id":
        intro += " Its `id` is the file's name, never written in the file."
    out.append(intro)
    if section.intro is None and _doc(model):
        out.append(f" {_doc(model)}")
    body = model.model_fields.get("body")
    if section.markdown and body is not None and body.description:
        out.append(f" {body.description}")
    out.append("\n\n")
    first = _first_paths(section)
    table, nested = _table(model, section, "", first)
    out.append(table)
    for example in section.examples:
        fence = "markdown" if example.path.endswith(".md") else "yaml"
        out.append(f"\nExample, `content/{example.path}`:\n\n```{fence}\n{example.text}```\n")
    done: set[type[BaseModel]] = set()
    queue = list(nested)
    while queue:
        path, nested_model = queue.pop(0)
        if nested_model in done:
            continue
        done.add(nested_model)
        out.append(f"\n### {_nested_heading(section, path)}\n\n")
        if _doc(nested_model):
            out.append(_doc(nested_model) + "\n\n")
        table, more = _table(nested_model, section, f"{path}.", first)
        out.append(table)
        queue = [*more, *queue]
    return "".join(out)


def value_types_text() -> str:
    rows = ["## Value types\n\n", "| type | written | rule |\n|---|---|---|\n"]
    seen = set()
    for known in VALUE_TYPES.values():
        if known.name in seen:
            continue
        seen.add(known.name)
        rows.append(f"| {cell(known.name)} | {cell(known.written)} | {cell(known.rule)} |\n")
    rows.append(
        "\nSlugs name other items: a key described as an actor's slug must be the slug of "
        "an actor of the call (its file in `content/actors/`), and so on.\n"
    )
    return "".join(rows)


# --- settings ------------------------------------------------------------------------------

SETTING_NAMES = {"theme_static_dir": "THEME_STATIC_DIR"}
"""Settings the model reads under Pelican's own name."""
SETTING_DEFAULTS = {
    "locale": "the site's `DEFAULT_LANG`",
    "cache": "Pelican's `LOAD_CONTENT_CACHE`",
}
"""Defaults that ``site_settings`` takes from another setting."""


def _setting_type(annotation: Any) -> str:
    parts = _parts(annotation)
    words = []
    for part in parts:
        if typing.get_origin(part) is typing.Annotated:
            part = typing.get_args(part)[0]
        if typing.get_origin(part) is Literal:
            words.append("one of " + ", ".join(f'`"{a}"`' for a in typing.get_args(part)))
        elif part is str:
            words.append("text")
        elif part is bool:
            words.append("`True` or `False`")
        elif part is int:
            words.append("whole number")
        elif part is date:
            words.append("date (`datetime.date` or `'YYYY-MM-DD'`)")
        else:
            raise UnknownType(f"setting: the reference has no words for {part!r}")
    if type(None) in typing.get_args(annotation):
        words.append("`None`")
    return " or ".join(words)


def settings_text(model: type[SiteSettings] = SiteSettings) -> str:
    out = [
        "## Site settings\n\n",
        "Set in the site's `pelicanconf.py` (the build, `appel-a-communs check` and "
        "`appel-a-communs submissions` read the same file). A wrong value stops the build "
        "and the commands with an error naming the setting.\n\n",
        "| setting | type | default | limits | description |\n|---|---|---|---|---|\n",
    ]
    for name, info in model.model_fields.items():
        if name == "urls":
            setting = f"`{PREFIX}<KIND>_URL`"
            kind_type, default_text = "text", "see [Page addresses](#page-addresses)"
        else:
            setting = f"`{SETTING_NAMES.get(name) or setting_name(name)}`"
            kind_type = _setting_type(info.annotation)
            default_text = SETTING_DEFAULTS.get(name) or default(info)
            if name in SETTING_DEFAULTS:
                default_text = SETTING_DEFAULTS[name]
            elif info.default is not None and isinstance(info.default, str):
                default_text = f'`"{info.default}"`'
            elif info.default is None:
                default_text = "`None`"
            else:
                default_text = f"`{info.default!r}`"
        cells = [setting, kind_type, default_text, ", ".join(limits(info)),
                 info.description or ""]  # fmt: skip
        out.append("| " + " | ".join(cell(c) for c in cells) + " |\n")
    out.append(
        "\n### Page addresses\n\n"
        f"Each kind of catalogue page has its `{PREFIX}<KIND>_URL`. A page written once per "
        "item holds `{slug}` in its pattern.\n\n"
        "| setting | default | one per item |\n|---|---|---|\n"
    )
    for kind, pattern in DEFAULT_PATTERNS.items():
        once = "yes" if kind in ITEMS else ""
        out.append(f"| `{PREFIX}{kind.upper()}_URL` | `{pattern}` | {once} |\n")
    return "".join(out)


# --- whole ---------------------------------------------------------------------------------


def reference(found: list[Section] | None = None) -> str:
    """The whole reference, in Markdown."""
    found = sections() if found is None else found
    contents = [f"- [{s.title}](#{anchor(s.title)})" for s in found]
    contents += ["- [Value types](#value-types)", "- [Site settings](#site-settings)"]
    parts = [HEAD.format(command=COMMAND), "\n".join(contents), "\n\n"]
    for section in found:
        parts.append(section_text(section))
        parts.append("\n")
    parts.append(value_types_text())
    parts.append("\n")
    parts.append(settings_text())
    return "".join(parts)


def headings(text: str) -> Iterator[str]:
    """The anchors of a Markdown text's headings."""
    for line in text.splitlines():
        if line.startswith("#"):
            yield anchor(line.lstrip("#").strip())


__all__ = ["COMMAND", "EXAMPLES", "Campaign", "Section", "reference", "sections"]
