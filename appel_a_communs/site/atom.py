"""Atom documents, written as text. For the 500 feeds of a call of 500 commons (one per
common), feedgenerator's SAX writer took about 0.6 s and this 0.05 s (building the entries
takes 0.13 s), for a document of eight element kinds. The output is, byte for byte, what
feedgenerator's ``Atom1Feed`` writes (``tests/test_feed_widget.py`` compares them on whole
sites), except that a feed without entries is dated with the build day, not the clock: a
build is the same on every run.

A character XML cannot hold, from whatever field, is replaced by U+FFFD rather than make
the whole feed unreadable (``site/xmltext.py`` says why replaced, never removed): the
document goes through ``xmltext.xml_chars`` once (escaping neither makes nor takes such
characters), which costs less than once for each of its texts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape, quoteattr

from appel_a_communs.site.xmltext import xml_chars


@dataclass(frozen=True)
class AtomEntry:
    title: str
    link: str
    """Absolute, or relative to the site's root when SITEURL is empty."""
    day: date
    summary: str
    """HTML (the entry's ``summary type="html"``), escaped again as XML text here."""
    id: str


def _stamp(day: date) -> str:
    return datetime.combine(day, datetime.min.time(), UTC).isoformat()


def atom_document(
    title: str,
    subtitle: str,
    link: str,
    feed_url: str,
    language: str,
    entries: Iterable[AtomEntry],
    today: date,
) -> str:
    """The feed; ``link`` is its page and its id."""
    items = list(entries)
    updated = max((entry.day for entry in items), default=today)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        f'<feed xml:lang={quoteattr(language)} xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f'<link href={quoteattr(link)} rel="alternate"/>',
        f'<link href={quoteattr(feed_url)} rel="self"/>',
        f"<id>{escape(link)}</id>",
        f"<updated>{_stamp(updated)}</updated>",
        f"<subtitle>{escape(subtitle)}</subtitle>",
    ]
    for entry in items:
        stamp = _stamp(entry.day)
        out += [
            f"<entry><title>{escape(entry.title)}</title>",
            f'<link href={quoteattr(entry.link)} rel="alternate"/>',
            f"<published>{stamp}</published><updated>{stamp}</updated>",
            f"<id>{escape(entry.id)}</id>",
            f'<summary type="html">{escape(entry.summary)}</summary></entry>',
        ]
    out.append("</feed>")
    return xml_chars("".join(out))
