"""What every writer does to a text before it is written: the one rule of the characters a
published file cannot hold, whatever field, setting or page the text came from.

The models refuse these characters at the door (issue 24), but a writer does not count on
it: a value can reach it from the settings, a Pelican page or a field added later. So the
Atom feeds, the sitemap, the workbook's XML, the SVG badges and every rendered page (the
templates' output, ``templating.safe_output``) go through ``xml_chars``; the JSON and CSV
files through ``utf8_text``.

``xml_chars`` replaces by U+FFFD (the replacement character) each character of
``content.types.FORBIDDEN``, the set the models refuse: what XML 1.0 does not allow, and
what HTML calls a parse error. Replaced, never removed: removing one would join what it
separated, and a sanitised ``<a href="java&#1;script:…">`` (a harmless relative address,
once nh3 has decoded the reference) would become a live ``javascript:`` link. A text
without them comes back as it is (the same object):
a valid call is written byte for byte as before.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from appel_a_communs.content.types import FORBIDDEN, SURROGATE


def xml_chars(text: str) -> str:
    """The text with each character no XML or HTML document may hold replaced by U+FFFD
    (module docstring)."""
    return FORBIDDEN.sub("\ufffd", text)


def xml_text(text: str) -> str:
    """Text for an XML element's content: ``xml_chars``, then ``&``, ``<`` and ``>``
    escaped."""
    return escape(xml_chars(text))


def xml_attribute(text: str) -> str:
    """An XML attribute's value, quoted: ``xml_chars``, then escaped and quoted as
    ``xml.sax.saxutils.quoteattr`` does (tab, line feed and carriage return as
    character references, so that a parser gives them back)."""
    return quoteattr(xml_chars(text))


def utf8_text(text: str) -> str:
    """Text a UTF-8 file can hold: each lone surrogate replaced by U+FFFD (a JSON
    ``\\u`` escape or a Python setting can make, and UTF-8 cannot encode). For JSON and
    CSV, whose syntax escapes or quotes every other character. Encoding is how they are
    looked for: six times faster than a search, and there is almost never one."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE.sub("\ufffd", text)
    return text
