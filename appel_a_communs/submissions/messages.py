"""What the processor tells people: the rejection report posted on a submission's issue,
and the summary of a run that becomes a pull request's body.

Both are GitHub-flavoured Markdown that a bot posts, so every value that may come from a
submission (a submitted value inside an error, a field name, the envelope's id, type and
date, a file name, a near-duplicate name) is written by ``inline_code``: a code span, in
which GitHub makes no link, image, HTML, heading, table, emphasis or mention. Our own
wording stays plain.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from gettext import NullTranslations
from typing import Literal

from appel_a_communs.content.errors import ContentError
from appel_a_communs.i18n import DEFAULT_LOCALE, M_, Message, pN_, translations

QUOTED_MAX = 300
"""Characters of a value quoted in full; a longer one is cut (a GitHub comment holds 65 536)."""
ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
"""Controls, format characters (bidi, zero width), surrogates, private and unassigned code
points, line and paragraph separators: shown as escapes, never copied through."""


Status = Literal["added", "unchanged", "rejected", "failed"]
"""What became of an envelope: ``added``; ``unchanged`` (an earlier, interrupted run wrote
it already); ``rejected`` (with a report); ``failed``: neither processed nor rejected, it
stays in the inbox until a maintainer fixes the cause (``Outcome.fault``)."""


@dataclass
class Outcome:
    id: str
    type: str
    status: Status
    files: list[str] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inbox: str = ""
    """The envelope's file, named from the site (``submissions/inbox/<name>``)."""
    changes: list[Message] = field(default_factory=list)
    """What an accepted submission changes besides its file (a withdrawal: the conditional
    pledges that stop counting, the common's status), for the summary."""
    fault: str = ""
    """Why a ``failed`` envelope could be neither processed nor rejected: a tool's error,
    whose text may hold submitted values (a file name made from an id)."""


def visible(value: str) -> str:
    """The value on one line, its invisible characters shown as escapes (``\\n``,
    ``\\u0000``): a NUL or a newline is shown, never copied into a comment."""
    return "".join(
        ESCAPES.get(c) or (f"\\u{ord(c):04X}" if unicodedata.category(c) in HIDDEN else c)
        for c in value
    )


def inline_code(value: str) -> str:
    """``value`` as a Markdown code span, whatever it holds: nothing in it is read as
    Markdown or HTML, and GitHub links no @mention, #reference or URL inside it.

    The fence is one backtick longer than the longest run of backticks in the value, and
    padded with a space where CommonMark would otherwise read the value's own backticks
    or spaces at either end as part of the fence. Values longer than ``QUOTED_MAX``
    characters are cut, with an ellipsis after the span.
    """
    text = visible(value[:QUOTED_MAX]) or " "
    runs = [len(run) for run in "".join(c if c == "`" else " " for c in text).split()]
    fence = "`" * (max(runs, default=0) + 1)
    pad = "`" in (text[0], text[-1]) or (text[0] == text[-1] == " " and text.strip(" ") != "")
    space = " " if pad else ""
    return f"{fence}{space}{text}{space}{fence}" + ("…" if len(value) > QUOTED_MAX else "")


def quoted(text: str, catalogue: NullTranslations) -> str:
    """A message of ours in the catalogue's language, its parameters as code spans; a
    text that is no Message (a library's wording, of unknown provenance) is quoted whole.
    (A parameter's own Message is ours too: translated, not quoted.)"""
    if isinstance(text, Message):
        return text.translated(catalogue, inline_code)
    return inline_code(text)


def _error_lines(errors: list[ContentError], catalogue: NullTranslations) -> list[str]:
    lines = []
    for error in errors:
        line = M_(
            "- %(field)s: %(message)s",
            field=error.field or M_("(envelope)"),
            message=error.message,  # a plain text (no Message) is quoted whole
        )
        lines.append(quoted(line, catalogue))
    return lines


def rejection_report(outcome: Outcome, language: str = DEFAULT_LOCALE) -> str:
    """Why a submission was refused, field by field, in the site's language (the gettext
    catalogue, like the rest of the interface: its issue forms asked in that language)."""
    catalogue = translations(language)
    title = quoted(M_("Submission %(id)s rejected", id=outcome.id), catalogue)
    intro = M_(
        "The submission (%(type)s) was not recorded. Fix these fields and submit it again:",
        type=outcome.type,
    )
    lines = [f"# {title}", "", quoted(intro, catalogue), ""]
    return "\n".join([*lines, *_error_lines(outcome.errors, catalogue), ""])


def _heading(catalogue: NullTranslations, text: str) -> list[str]:
    """A section of the summary (its title marked with ``pN_``): Markdown, then a blank."""
    return [f"### {catalogue.pgettext('submissions', text)}", ""]


def summary(
    outcomes: list[Outcome],
    dry_run: bool = False,
    left: Sequence[tuple[str, str]] = (),
    language: str = DEFAULT_LOCALE,
) -> str:
    """A Markdown summary fit for a pull-request body, in the site's language (``language``);
    contact details never appear. What stays in the inbox is in it too, not only in the log
    of the run: the envelopes that could be neither processed nor rejected (``failed``),
    and ``left``, the inbox's other entries (a file named from the site, and what to do: a
    Message, translated)."""
    catalogue = translations(language)
    added = [o for o in outcomes if o.status in ("added", "unchanged")]
    rejected = [o for o in outcomes if o.status == "rejected"]
    failed = [o for o in outcomes if o.status == "failed"]
    warnings = [(o, w) for o in outcomes for w in o.warnings]
    title = (
        catalogue.pgettext("submissions", "Submissions (dry run)")
        if dry_run
        else catalogue.pgettext("submissions", "Submissions")
    )
    counts = [
        catalogue.ngettext("%(num)d added", "%(num)d added", len(added)) % {"num": len(added)},
        catalogue.ngettext("%(num)d rejected", "%(num)d rejected", len(rejected))
        % {"num": len(rejected)},
    ]
    if failed:
        counts.append(
            catalogue.ngettext("%(num)d not processed", "%(num)d not processed", len(failed))
            % {"num": len(failed)}
        )
    lines = [f"## {title}", "", f"**{', '.join(counts)}**", ""]
    if not outcomes:
        lines += [catalogue.gettext("No submission waiting."), ""]
    if added:
        lines += _heading(catalogue, pN_("submissions", "Added"))
        for o in added:
            lines.append(
                quoted(M_("- %(id)s (%(type)s):", id=o.id, type=o.type), catalogue)
                + " "
                + ", ".join(inline_code(f) for f in o.files)
            )
            lines += ["  - " + quoted(change, catalogue) for change in o.changes]
        lines.append("")
    if warnings:
        lines += _heading(catalogue, pN_("submissions", "To check"))
        lines += [
            quoted(M_("- %(id)s: %(warning)s", id=o.id, warning=w), catalogue)
            if isinstance(w, Message)
            else f"- {inline_code(o.id)}: {inline_code(w)}"
            for o, w in warnings
        ]
        lines.append("")
    if rejected:
        lines += _heading(catalogue, pN_("submissions", "Rejected"))
        for o in rejected:
            lines.append(quoted(M_("- %(id)s (%(type)s):", id=o.id, type=o.type), catalogue))
            lines += ["  " + line for line in _error_lines(o.errors, catalogue)]
        lines.append("")
    if failed or left:
        lines += _heading(catalogue, pN_("submissions", "Not processed"))
        lines += [
            quoted(
                M_(
                    "- %(id)s (%(type)s), %(file)s: %(fault)s; it stays in the inbox (fix the "
                    "cause, then run process again)",
                    id=o.id,
                    type=o.type,
                    file=o.inbox,
                    fault=o.fault,
                ),
                catalogue,
            )
            for o in failed
        ]
        lines += [
            quoted(M_("- %(file)s: %(why)s", file=name, why=why), catalogue)
            if isinstance(why, Message)
            else f"- {inline_code(name)}: {why}"
            for name, why in left
        ]
        lines.append("")
    return "\n".join(lines)
