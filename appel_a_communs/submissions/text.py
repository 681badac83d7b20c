"""Hygiene of submitted text: NFC, no bidi or invisible characters, no raw HTML in Markdown."""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterator
from typing import Any

import nh3

from appel_a_communs.content.types import character_problem
from appel_a_communs.i18n import M_

# Bidirectional controls can make text read differently from what it is (Trojan Source);
# invisible characters hide content or spoof names.
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = set("\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u2060\u2061"
                "\u2062\u2063\u2064\u3164\ufeff\uffa0")  # fmt: skip


def text_problem(value: str) -> str | None:
    """Why a submitted text is refused, or None: first what no text may hold, in the words
    of the models (``types.character_problem``: what XML cannot carry, which holds every
    control character but tab and line breaks, and line separators), then what a
    submission may not bring (bidi controls, invisible characters). It reads the text as
    sent, before ``normalise`` and nh3 change it."""
    problem = character_problem(value)
    if problem:
        return problem
    for char in value:
        if char in BIDI:
            return M_("contains a bidirectional control character (U+%(code)04X)", code=ord(char))
        if char in INVISIBLE:
            return M_("contains an invisible character (U+%(code)04X)", code=ord(char))
    return None


# Elements whose contents the HTML parser reads as text, not markup: raw text (``style``,
# ``xmp``, ``iframe``, ``noembed``, ``noframes``, ``noscript``), RCDATA (``title``,
# ``textarea``), ``plaintext`` (to the end), script data, and the CDATA sections of foreign
# content (``svg``, ``math``); ``template`` holds an inert fragment. Kept as text, a
# ``<script>`` inside them would come back as a tag once entities are decoded: they go,
# contents and all.
TEXT_CONTENT_TAGS = {
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title",
    "textarea", "plaintext", "svg", "math", "template",
}  # fmt: skip
MAX_PASSES = 16


def _strip_once(markdown: str) -> str:
    """One pass of nh3 with entity references read as text (every ``&`` escaped first)."""
    cleaned = nh3.clean(
        markdown.replace("&", "&amp;"), tags=set(), clean_content_tags=TEXT_CONTENT_TAGS
    )
    return html.unescape(cleaned)


def strip_html(markdown: str) -> str:
    """Raw HTML out of a Markdown text, its words kept; Markdown syntax untouched.

    The site sanitises every rendered text anyway (markup.render_markdown); this keeps
    tags and scripts out of the files maintainers review. Every ``&`` is escaped first,
    so that the HTML parser reads no entity reference: ``html.unescape`` then gives back
    exactly the characters typed (``&lt;script&gt;`` stays those 14 characters, ``&``
    stays ``&``) and never turns a reference into markup.

    Whatever the parser read as text (see ``TEXT_CONTENT_TAGS``) must not come back as
    markup: the cleaning is repeated until the text no longer changes, so that what is
    returned holds nothing nh3 would strip. Each pass that changes the text removes
    markup and makes it shorter; should that ever fail to settle, every ``<`` left is
    replaced by U+FFFD (the writers' rule for what must not stay, see site/xmltext.py)
    rather than let a tag through.
    """
    text = markdown
    for _ in range(MAX_PASSES):
        cleaned = _strip_once(text)
        if cleaned == text:
            return text
        text = cleaned
    return text.replace("<", "\ufffd")


def walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text in nested data, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk(item, (*path, i))


def normalise(value: Any, markdown_paths: frozenset[tuple[str, ...]], path: tuple = ()) -> Any:
    """NFC everywhere, ``\\r\\n`` → ``\\n``, HTML stripped where the path is Markdown."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
        shape = tuple("*" if isinstance(p, int) else p for p in path)
        return strip_html(text) if shape in markdown_paths else text
    if isinstance(value, dict):
        return {k: normalise(v, markdown_paths, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, markdown_paths, (*path, i)) for i, v in enumerate(value)]
    return value


def fold(name: str) -> str:
    """A name reduced for near-duplicate detection: case, accents, spacing, look-alikes."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(CONFUSABLES).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


# Latin look-alikes from Cyrillic and Greek, the usual spoofing alphabet.
CONFUSABLES = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕԁɡΑΒΕΖΗΙΚΜΝΟΡΤΥΧαορνκ",
    "ABEKMHOPCTXaeopcyxijsdgABEZHIKMNOPTYXaopvk",
)
