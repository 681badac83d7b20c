"""Markdown to safe HTML: every user-written text goes through ``render_markdown``.

Markdown is rendered without extensions that let text set attributes (no
``attr_list``, no ``md_in_html``), then nh3 keeps only an allowlist of tags,
attributes and URL schemes. Pelican's link placeholders (``{filename}`` …) are
dropped unless the caller is rendering a maintainer's page.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3

from appel_a_communs.content.types import FORBIDDEN
from appel_a_communs.site.xmltext import xml_chars

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4",
        "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
        "table", "tbody", "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_PLACEHOLDER = re.compile(r"^\s*(\{|%7B)\w+(\}|%7D)", re.IGNORECASE)
_NO_HREF = re.compile(r'<a((?: (?!href=)[a-z]+="[^"]*")*)>(.*?)</a>', re.DOTALL)
"""A link whose address nh3 took away (a scheme not allowed, a character no page holds):
its text stays, the element goes (a ``rel`` without ``href`` is invalid HTML). Sanitised
HTML quotes every attribute and never nests links, so the first ``</a>`` closes it."""


def _drop_unwritable(tag: str, attribute: str, value: str) -> str | None:
    """An attribute whose value holds a character no page may hold goes: nh3 decodes
    ``&#1;`` into U+0001, and no address holds one (replaced by U+FFFD, it would be an
    invalid one; removed, ``java&#1;script:`` would become ``javascript:``)."""
    return None if FORBIDDEN.search(value) else value


def _drop_placeholders(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("href", "src") and _PLACEHOLDER.match(value):
        return None
    return _drop_unwritable(tag, attribute, value)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """One converter, reset between texts: making one loads its extensions every time."""
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


@lru_cache(maxsize=4096)
def render_markdown(text: str | None, *, allow_placeholders: bool = False) -> str:
    """Sanitised HTML for a Markdown text (cached: the same text renders once per build)."""
    if not text:
        return ""
    html = _converter().reset().convert(text)
    # nh3 decodes character references (``&#1;``) into the characters they name: those a
    # page cannot hold are replaced here (xmltext: never removed, which could join
    # ``java`` and ``script:``), so that the HTML is whole wherever it is written.
    clean = xml_chars(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            link_rel="nofollow noopener noreferrer ugc",
            attribute_filter=_drop_unwritable if allow_placeholders else _drop_placeholders,
            strip_comments=True,
        )
    )
    return _NO_HREF.sub(r"\2", clean) if "<a" in clean else clean
