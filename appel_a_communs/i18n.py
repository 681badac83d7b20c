"""The interface strings: one gettext catalogue for the templates and the core.

Messages are written in English in the code and the templates; ``locale/<lang>/
LC_MESSAGES/messages.po`` translates them (French ships with the project). The ``.po``
is compiled in memory when a build starts, so no ``.mo`` file is ever committed or
out of date. A language without a catalogue gets the English messages.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT_LOCALE = "fr"
"""The language of a site that names none (pelicanconf's DEFAULT_LANG unset), of its
issue forms, labels and reports: the one default, wherever a language may be left out."""
DOMAIN = "messages"
# Marker functions the extractor knows, beside gettext/ngettext/pgettext/_.
KEYWORDS = {"N_": None, "pN_": ((1, "c"), 2), "M_": None}


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated where shown."""
    return message


def pN_(context: str, message: str) -> str:
    """Like ``N_``, for a message whose translation depends on a context (pgettext)."""
    return message


class Message(str):
    """English text that keeps its message id and parameters, so that whoever shows it
    can translate it (a rejection report in the site's language). Everywhere else it is
    just its English text: errors carry it through pydantic, pickling and sorting."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: dict[str, Any] | None = None) -> Message:
        self = super().__new__(cls, msgid % params if params else msgid)
        self.msgid, self.params = msgid, params or {}
        return self

    def translated(
        self, catalogue: gettext.NullTranslations, quote: Callable[[str], str] | None = None
    ) -> str:
        """The message in the catalogue's language. ``quote``, when given, writes each text
        parameter (a value, which may come from outsiders) for where the message goes, e.g.
        as a Markdown code span; a Message parameter is our wording, translated the same
        way; numbers and dates stay as they are (a format may need them so). The quoting
        replaces the message's own quotation marks around a quoted parameter."""
        params = {
            k: v.translated(catalogue, quote) if isinstance(v, Message) else _quoted(v, quote)
            for k, v in self.params.items()
        }
        text = catalogue.gettext(self.msgid)
        if quote is None:
            try:
                return text % params if params else text
            except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
                return str(self)
        keys = [
            k for k, v in self.params.items() if not isinstance(v, Message) and params[k] is not v
        ]
        for template in (text, self.msgid):
            try:
                return _unquoted(template, keys) % params if params else template
            except (KeyError, TypeError, ValueError):
                continue
        return quote(str(self))


QUOTES = (("'", "'"), ('"', '"'), ("“", "”"), ("‘", "’"), ("« ", " »"), ("«\u00a0", "\u00a0»"),
          ("«\u202f", "\u202f»"))  # fmt: skip
"""Quotation marks a message puts around a value, dropped when the value is quoted."""


def _quoted(value: Any, quote: Callable[[str], str] | None) -> Any:
    if quote is None or isinstance(value, int | float | Decimal | date):
        return value
    return quote(str(value))


def _unquoted(template: str, keys: list[str]) -> str:
    for key in keys:
        for left, right in QUOTES:
            template = template.replace(f"{left}%({key})s{right}", f"%({key})s")
    return template


def M_(msgid: str, **params: Any) -> Message:
    """A message with ``%(name)s`` parameters, marked for extraction, translated where
    it is shown (``translate``); a parameter may itself be a Message."""
    return Message(msgid, params)


def message_record(message: Message) -> dict[str, Any]:
    """A Message as JSON can keep it (an envelope carries it to the processor)."""
    params = {
        k: message_record(v) if isinstance(v, Message) else v for k, v in message.params.items()
    }
    return {"msgid": message.msgid, "params": params}


def message_from_record(record: Any, depth: int = 0) -> Message | None:
    """The Message of ``message_record``; None for anything else (envelopes are input)."""
    if not isinstance(record, dict) or depth > 5:
        return None
    msgid, params = record.get("msgid"), record.get("params")
    if not isinstance(msgid, str) or not isinstance(params, dict):
        return None
    values: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, dict):
            value = message_from_record(value, depth + 1)
        if not isinstance(key, str) or not isinstance(value, str | int):
            return None
        values[key] = value
    try:
        return Message(msgid, values)
    except (KeyError, TypeError, ValueError):
        return None


def translate(text: Any, catalogue: gettext.NullTranslations) -> Any:
    """``text`` in the catalogue's language: a Message with its parameters, a plain
    message as a whole; anything else (a value, a slug, a file name) as it is."""
    if isinstance(text, Message):
        return text.translated(catalogue)
    if isinstance(text, str) and text:
        return catalogue.gettext(text)
    return text


def language_of(locale: str) -> str:
    """``fr_FR`` and ``fr-CA`` both use the ``fr`` catalogue."""
    return locale.replace("-", "_").split("_")[0].lower()


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def available_languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of a locale (English: the messages themselves)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = po_path(language_of(locale))
    if not path.is_file():
        return gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language_of(locale), domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


# --- keeping the catalogue in step with the sources (scripts/translations.py) --------

# Where messages live (folders relative to the repository root), and how to read them.
JINJA = "jinja2.ext:babel_extract"
SOURCES = {
    "appel_a_communs": [("**.py", "python")],
    "plugins": [("**.py", "python")],
    "theme/templates": [("**.html", JINJA), ("**.svg", JINJA)],
}
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "true"}


def extract(root: Path):
    """Every message of the sources under ``root``, as a Babel catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    catalog = Catalog(project="Appel à communs", domain=DOMAIN, fuzzy=False)
    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    for folder, method_map in SOURCES.items():
        options = {pattern: JINJA_OPTIONS for pattern, method in method_map if method == JINJA}
        for filename, lineno, message, comments, context in extract_from_dir(
            root / folder, method_map, options, keywords=keywords, strip_comment_tags=True
        ):
            catalog.add(message, None, [(f"{folder}/{filename}", lineno)],
                        auto_comments=comments, context=context)  # fmt: skip
    return catalog


def untranslated(catalog) -> Iterator[str]:
    """The messages of a loaded ``.po`` with no (or a fuzzy) translation."""
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            yield message.id if isinstance(message.id, str) else message.id[0]


def load_po(language: str):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    path = po_path(language)
    if not path.is_file():
        return Catalog(locale=language, domain=DOMAIN, project="Appel à communs")
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def update_po(root: Path, language: str, additions: dict[str, str | list[str]] | None = None):
    """Bring a language's ``.po`` in step with the sources, keeping its translations.

    ``additions`` maps a message (``context::message`` for a contextual one, the
    singular for a plural one) to its translation (a list for plural forms). Returns the
    keys of additions that match no message. Written whole to a temporary file, then
    renamed, under a lock: several people may run it at once.
    """
    import fcntl
    import os
    import tempfile

    from babel.messages.pofile import write_po

    template = extract(root)
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = Path(tempfile.gettempdir()) / f"appel-a-communs-{language}.po.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        catalog = load_po(language)
        created = catalog.creation_date
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.creation_date = created
        unknown = []
        for key, value in (additions or {}).items():
            context, _, message_id = key.rpartition("::")
            message = catalog.get(message_id, context=context or None)
            if message is None:
                unknown.append(key)
                continue
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            write_po(out, catalog, width=0, ignore_obsolete=True, include_lineno=False,
                     sort_by_file=True)  # fmt: skip
        Path(temporary).replace(path)
    return unknown


def check_po(root: Path, language: str) -> list[str]:
    """What keeps a language's ``.po`` from matching the sources, one problem a line."""
    template = extract(root)
    catalog = load_po(language)
    have = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    want = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    problems = [f"missing from {language}: {m!r}" for _, m in sorted(want - have, key=str)]
    problems += [f"no longer used: {m!r}" for _, m in sorted(have - want, key=str)]
    problems += [f"untranslated: {m!r}" for m in untranslated(catalog)]
    return problems


def locale_tags(locale: str) -> tuple[str, str]:
    """``fr`` → (``fr``, ``fr_FR``): the HTML lang attribute and Open Graph's og:locale.
    Raises ValueError for a locale Babel does not know."""
    from babel import Locale, UnknownLocaleError
    from babel.core import get_global

    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError) as exc:
        raise ValueError(f"the locale {locale!r} is unknown ({exc})") from None
    full = (
        parsed
        if parsed.territory
        else Locale.parse(get_global("likely_subtags").get(parsed.language, str(parsed)))
    )
    html = parsed.language + (f"-{parsed.territory}" if parsed.territory else "")
    return html, f"{full.language}_{full.territory}" if full.territory else full.language
