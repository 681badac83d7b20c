"""What the processor tells people: the rejection report posted on a submission's issue,
and the summary of a run that becomes a pull request's body."""

from __future__ import annotations

from dataclasses import dataclass, field
from gettext import NullTranslations

from babel import Locale

from appel_a_communs.content.errors import ContentError
from appel_a_communs.i18n import M_, language_of, translate, translations


@dataclass
class Outcome:
    id: str
    type: str
    status: str
    """added, unchanged (already written by an earlier, interrupted run) or rejected."""
    files: list[str] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _error_lines(errors: list[ContentError], catalogue: NullTranslations) -> list[str]:
    lines = []
    for error in errors:
        line = M_(
            "- `%(field)s`: %(message)s",
            field=error.field or M_("(envelope)"),
            message=error.message,
        )
        lines.append(translate(line, catalogue))
    return lines


def _language_name(language: str) -> str:
    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def rejection_report(outcome: Outcome, language: str = "fr") -> str:
    """Why a submission was refused, field by field: in the site's language (the gettext
    catalogue, like the rest of the interface), then in English."""
    languages = [language_of(language)] + (["en"] if language_of(language) != "en" else [])
    titles, sections = [], []
    for lang in languages:
        catalogue = translations(lang)
        titles.append(translate(M_("Submission `%(id)s` rejected", id=outcome.id), catalogue))
        intro = M_(
            "The submission (%(type)s) was not recorded. Fix these fields and submit it again:",
            type=outcome.type,
        )
        sections += [
            f"## {_language_name(lang)}",
            "",
            translate(intro, catalogue),
            "",
            *_error_lines(outcome.errors, catalogue),
            "",
        ]
    return "\n".join([f"# {' / '.join(titles)}", "", *sections])


def summary(outcomes: list[Outcome], dry_run: bool = False) -> str:
    """A Markdown summary fit for a pull-request body; contact details never appear."""
    added = [o for o in outcomes if o.status in ("added", "unchanged")]
    rejected = [o for o in outcomes if o.status == "rejected"]
    warnings = [(o, w) for o in outcomes for w in o.warnings]
    title = (
        "Soumissions (essai à blanc) / Submissions (dry run)"
        if dry_run
        else "Soumissions / Submissions"
    )
    lines = [
        f"## {title}",
        "",
        f"**{len(added)} ajoutée(s) / added, {len(rejected)} refusée(s) / rejected**",
        "",
    ]
    if not outcomes:
        lines += ["Aucune soumission en attente. / No submission waiting.", ""]
    if added:
        lines += ["### Ajoutées / Added", ""]
        lines += [f"- `{o.id}` ({o.type}): " + ", ".join(f"`{f}`" for f in o.files) for o in added]
        lines.append("")
    if warnings:
        lines += ["### À vérifier / To check", ""]
        lines += [f"- `{o.id}`: {w}" for o, w in warnings]
        lines.append("")
    if rejected:
        lines += ["### Refusées / Rejected", ""]
        for o in rejected:
            lines.append(f"- `{o.id}` ({o.type}):")
            lines += ["  " + line for line in _error_lines(o.errors, NullTranslations())]
        lines.append("")
    return "\n".join(lines)
