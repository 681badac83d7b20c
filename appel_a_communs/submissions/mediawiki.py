"""Fetch commons from a MediaWiki category: one propose-common envelope per page.

The pages come from the wiki's Action API (``generator=categorymembers`` with the
revisions' content, ``continue`` followed to the end); a map file says which template
holds a common's fields on that wiki and which of its parameters fill which content key
(wikis have no standard template). Wikitext becomes Markdown through pandoc's mediawiki
reader, after internal links are made absolute and category and file links dropped.

The client is polite as the API's etiquette asks: requests one after the other,
``maxlag=5`` on each, the ``maxlag`` error and HTTP 429/503 honoured with their
``Retry-After`` (a bounded number of retries, a bounded total wait), a User-Agent naming
the tool, a timeout on every call, a wall-clock deadline and a size cap on every answer.
Every failure is a FetchError naming the wiki. pandoc runs bounded in time and memory per
text and in time per fetch: a page it cannot convert is skipped and said, the others go on.
"""

from __future__ import annotations

import email.utils
import re
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import requests
from pydantic import Field, ValidationError, field_validator, model_validator

from appel_a_communs.content.errors import ContentErrors, display_path
from appel_a_communs.content.models import Model
from appel_a_communs.content.strict_yaml import StrictYAMLError, load_json, load_mapping
from appel_a_communs.content.types import Line, clip_slug, slugify
from appel_a_communs.content.validation import validation_errors
from appel_a_communs.submissions.fetch import (
    FetchError,
    clean_envelope,
    read_limited,
    store_envelope,
)

try:
    VERSION = version("appel-a-communs")
except PackageNotFoundError:  # a bare checkout, not installed
    VERSION = "0"

TIMEOUT = 20
"""Seconds for one socket operation of a call (connect, or one read)."""
CALL_DEADLINE = 60.0
"""Seconds of wall-clock time for one answer to arrive in full (a wiki dripping its answer
byte by byte never trips TIMEOUT): the read stops at most TIMEOUT after this."""
MAX_ANSWER = 20 * 1024 * 1024
"""Bytes one answer may have (50 pages of wikitext are a few MB at most)."""
MAXLAG = 5
"""The ``maxlag`` sent with every call: the value the Manual:Maxlag parameter recommends."""
MAX_RETRIES = 5
"""Retries of one call answered by ``maxlag``, ``ratelimited``, HTTP 429, 502, 503 or 504."""
MAX_TOTAL_WAIT = 300.0
"""Seconds a whole fetch may spend waiting as the wiki asks; past that, try later."""
DEFAULT_WAIT = 5.0
"""Seconds to wait when the wiki asks to but says not how long (at least 5 after maxlag)."""
MAX_REQUESTS = 2000
"""Calls a fetch may make: a continuation that never ends stops here."""
BATCH = 50
"""Pages per answer: the API gives the content of at most 50 pages at once (non-bots)."""
PANDOC_TIMEOUT = 10.0
"""Seconds pandoc may take for one text; past that the page is skipped (pandoc's mediawiki
reader backtracks exponentially on some unbalanced markup: 140 bytes of unbalanced bold
and italic quotes take minutes), the others go on."""
PANDOC_HEAP = "512m"
"""The largest heap pandoc may use for one text (its ``+RTS -M`` option)."""
CONVERT_BUDGET = 600.0
"""Seconds that parsing and pandoc may take in all for one fetch (about 50 ms a page
usually); past that the fetch stops (the envelopes already written stay in the inbox)."""
MAX_PAGE_TEXT = 200_000
"""Characters of wikitext a page may have; a longer page is skipped. A long wiki page has
about 150,000 (parsed and converted in about 2 s), but mwparserfromhell's tokenizer is
superlinear on unclosed markup (80,000 characters of ``[http://a `` take 15 s, and it
cannot be interrupted): this cap bounds that, its time counts in CONVERT_BUDGET."""
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_ERRORS = frozenset({"maxlag", "ratelimited"})
TITLE_FORBIDDEN = re.compile(r"[#<>\[\]|{}\x00-\x1f\x7f]")

# Only web and mail links survive into the Markdown: any other link (javascript:, data:,
# relative ones) becomes its text, an image becomes its description (our pages load
# nothing from elsewhere). A pandoc Lua filter, so it applies to whatever pandoc reads as
# a link, whether mwparserfromhell saw one or not.
LINK_FILTER = """\
function Link(el)
  local target = el.target:lower()
  if target:match("^https?://") or target:match("^mailto:") then
    return nil
  end
  return el.content
end
function Image(el)
  return el.caption
end
"""

# Pandoc's Markdown as our renderer (Python-Markdown with tables and fenced code) reads
# it: nested lists indented by four, hard breaks as two spaces, no raw HTML (escaped).
PANDOC_TO = "markdown_strict+pipe_tables+backtick_code_blocks+four_space_rule-raw_html"
INSTALL_HINT = "pip install 'appel-a-communs[mediawiki]'"

# --- the map file ------------------------------------------------------------------

LINE_KEYS = ("title", "summary", "license", "maturity")
URL_KEYS = ("repository", "website")
MARKDOWN_KEYS = ("body", "governance")
LIST_KEYS = ("challenges", "proposed_by", "resource_types", "tags")
CommonKey = Literal[
    "title", "summary", "license", "maturity", "repository", "website", "body", "governance",
    "challenges", "proposed_by", "resource_types", "tags",
]  # fmt: skip
ListKey = Literal["challenges", "proposed_by", "resource_types", "tags"]


class WikiMap(Model):
    """How a wiki's pages become commons (the ``--map`` file)."""

    template: Line
    """The template whose parameters hold a common's fields, e.g. ``Commun``."""
    fields: dict[CommonKey, Line | list[Line]] = Field(default_factory=dict)
    """Our key: the template parameter that fills it (a list: the first one given)."""
    split: dict[ListKey, str] = Field(default_factory=dict)
    """A list key: the separator between its values in the parameter, e.g. ``","``."""
    values: dict[CommonKey, Line | list[Line]] = Field(default_factory=dict)
    """Our key: a constant, used where the page gives no value (keys the wiki lacks)."""
    translate: dict[CommonKey, dict[str, Line]] = Field(default_factory=dict)
    """Our key: the wiki's words to ours (e.g. maturity: {En production: stable})."""
    page_text: Literal["ignore", "body"] = "ignore"
    """``body``: the page's text outside the template becomes the body (after the body
    parameter when both are given); ``ignore``: it is left out."""
    max_pages: int = Field(default=5000, ge=1, le=100000)
    """At most this many pages are read from the category."""

    @field_validator("split")
    @classmethod
    def _separators(cls, value: dict[str, str]) -> dict[str, str]:
        for key, sep in value.items():
            if not sep:
                raise ValueError(f"{key}: the separator must not be empty")
        return value

    @model_validator(mode="after")
    def _lists_only(self) -> WikiMap:
        for key, value in self.values.items():
            if isinstance(value, list) and key not in LIST_KEYS:
                raise ValueError(f"values.{key}: takes one value, not a list")
        return self


def load_map(path: Path) -> WikiMap:
    """The map file, read strictly: any fault is a FetchError naming the file and key."""
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FetchError(f"cannot read the map file {name}: {exc}") from None
    try:
        doc = load_mapping(text)
    except StrictYAMLError as exc:
        where = f":{exc.line}" if exc.line else ""
        raise FetchError(f"the map file {name}{where} is not valid YAML: {exc.message}") from None
    try:
        return WikiMap.model_validate(doc.data)
    except ValidationError as exc:
        errors = ContentErrors(validation_errors(name, exc, WikiMap, doc)).errors
        listed = "\n".join(f"  - {error}" for error in errors)
        raise FetchError(f"the map file {name} cannot be used:\n{listed}") from None


# --- the API client ------------------------------------------------------------------


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds that a ``Retry-After`` header asks for (seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9]+", text, re.ASCII):
        return float(text) if len(text) <= 9 else float("inf")
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class MediaWikiAPI:
    """Calls to one wiki's api.php, one after the other, retried as the wiki asks."""

    def __init__(
        self,
        api_url: str,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        contact: str | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{api_url!r} is not an http(s) address of a wiki's api.php")
        self.url = api_url
        self.host = parts.hostname
        self.session = session or requests.Session()
        self.sleep = sleep
        self.now = now
        self.waited = 0.0
        self.calls = 0
        # Wikimedia's User-Agent policy: the tool, its version, a way to reach who runs it.
        about = f"{contact}; " if contact else ""
        self.headers = {
            "User-Agent": f"appel-a-communs/{VERSION} ({about}submissions fetch mediawiki) "
            f"python-requests/{requests.__version__}",
            "Accept": "application/json",
        }

    def call(self, params: dict[str, str]) -> dict[str, Any]:
        """One API answer; waits and retries on maxlag, rate limits and 503s, boundedly."""
        params = {**params, "format": "json", "formatversion": "2", "maxlag": str(MAXLAG)}
        for attempt in range(MAX_RETRIES + 1):
            if self.calls >= MAX_REQUESTS:
                raise FetchError(
                    f"{self.url}: more than {MAX_REQUESTS} calls for one fetch; stopped"
                )
            self.calls += 1
            try:
                response = self.session.get(
                    self.url, params=params, headers=self.headers, timeout=TIMEOUT, stream=True
                )
            except requests.RequestException as exc:
                raise FetchError(f"could not reach {self.url}: {exc.__class__.__name__}") from None
            with response:
                body = read_limited(response, MAX_ANSWER, CALL_DEADLINE, self.url)
            asked = retry_after(response.headers.get("Retry-After"), self.now())
            if response.status_code in RETRY_STATUSES:
                why = f"HTTP {response.status_code}"
                wait = asked if asked is not None else DEFAULT_WAIT * 2**attempt
            elif response.status_code >= 400:
                raise FetchError(
                    f"{self.url} answered HTTP {response.status_code}: "
                    f"{_snippet(_text(response, body))}"
                )
            else:
                answer = self._json(response, body)
                error = answer.get("error")
                if error is None:
                    return answer
                code, info = _error(error)
                if code not in RETRY_ERRORS:
                    raise FetchError(f"the wiki at {self.url} refused the request: {code}: {info}")
                why = f"the {code} error ({info})"
                wait = max(asked if asked is not None else DEFAULT_WAIT, DEFAULT_WAIT)
            if attempt == MAX_RETRIES:
                raise FetchError(
                    f"{self.url} still answers {why} after {MAX_RETRIES} retries; try again later"
                )
            if self.waited + wait > MAX_TOTAL_WAIT:
                raise FetchError(
                    f"{self.url} answers {why} and asks to wait {_seconds(wait)}, beyond the "
                    f"{MAX_TOTAL_WAIT:.0f} s a fetch waits in all; try again later"
                )
            self.sleep(wait)
            self.waited += wait
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(self, response: requests.Response, body: bytes) -> dict[str, Any]:
        # The strict reader, not response.json(): json.loads recurses, and an answer nested
        # deep enough would end in a RecursionError; this one refuses it with a message.
        text = _text(response, body)
        try:
            answer = load_json(text) if text is not None else None
        except StrictYAMLError as exc:
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise FetchError(
                f"{self.url} did not answer JSON ({kind}: {exc.message}); is it the wiki's "
                "api.php address?"
            ) from None
        if not isinstance(answer, dict):
            raise FetchError(f"{self.url} did not answer a JSON object; is it the wiki's api.php?")
        return answer

    def query_all(self, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Every answer of a query, following ``continue`` (API:Continue) to the end."""
        more: dict[str, str] = {}
        seen: set[tuple[tuple[str, str], ...]] = set()
        while True:
            answer = self.call({**params, **more})
            yield answer
            cont = answer.get("continue")
            if cont is None:
                return
            if not isinstance(cont, dict) or not all(
                isinstance(k, str) and k.endswith("continue") and isinstance(v, str | int)
                for k, v in cont.items()
            ):
                raise FetchError(f"{self.url}: the answer's 'continue' is not continuation data")
            more = {k: str(v) for k, v in cont.items()}
            key = tuple(sorted(more.items()))
            if key in seen:
                raise FetchError(f"{self.url}: the continuation goes round in circles; stopped")
            seen.add(key)


def _error(error: Any) -> tuple[str, str]:
    if isinstance(error, dict):
        return str(error.get("code") or "unknown")[:100], str(error.get("info") or "")[:300]
    return "unknown", str(error)[:300]


def _text(response: requests.Response, body: bytes) -> str | None:
    """The answer's text: its charset, else the JSON encoding its bytes show; None when
    they are not in it."""
    try:
        if response.encoding is None and len(body) > 3:
            return body.decode(requests.utils.guess_json_utf(body) or "utf-8")
        return body.decode(response.encoding or "utf-8", errors="replace")
    except (UnicodeDecodeError, LookupError):
        return None


def _snippet(text: str | None) -> str:
    if text is None:
        return "(not text)"
    try:
        answer = load_json(text)
        if isinstance(answer, dict):
            code, info = _error(answer.get("error"))
            return f"{code}: {info}"
    except StrictYAMLError:
        pass
    return " ".join(text[:200].split()) or "(no text)"


def _seconds(wait: float) -> str:
    return "a very long time" if wait == float("inf") else f"{wait:.0f} s"


# --- the wiki: its namespaces and addresses -------------------------------------------


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


@dataclass
class Wiki:
    """What siteinfo says: where pages live, the names of the namespaces we need."""

    server: str
    articlepath: str
    first_letter: bool
    namespaces: dict[int, set[str]]

    @classmethod
    def from_query(cls, query: dict[str, Any], api_url: str) -> Wiki:
        general = query.get("general")
        if general is not None and not isinstance(general, dict):
            raise FetchError(f"{api_url}: the siteinfo's 'general' is not an object")
        general = general or {}
        parts = urlsplit(api_url)
        server = general.get("server")
        if not isinstance(server, str) or not server:
            server = f"{parts.scheme}://{parts.netloc}"
        if server.startswith("//"):  # protocol-relative, as Wikimedia's wikis say it
            server = f"{parts.scheme}:{server}"
        if urlsplit(server).scheme not in ("http", "https"):
            raise FetchError(f"{api_url}: the siteinfo's 'server' is not an http(s) address")
        articlepath = general.get("articlepath")
        if not isinstance(articlepath, str) or "$1" not in articlepath:
            articlepath = "/index.php/$1"
        names: dict[int, set[str]] = {6: {"file", "image"}, 10: {"template"}, 14: {"category"}}
        names[-2] = {"media"}
        spaces = query.get("namespaces")
        items = list(spaces.values()) if isinstance(spaces, dict) else spaces
        for ns in items if isinstance(items, list) else []:
            if isinstance(ns, dict) and _int(ns.get("id")) and ns["id"] in names:
                for key in ("name", "canonical", "*"):
                    if isinstance(ns.get(key), str) and ns[key]:
                        names[ns["id"]].add(_norm(ns[key]))
        aliases = query.get("namespacealiases")
        for alias in aliases if isinstance(aliases, list) else []:
            if isinstance(alias, dict) and _int(alias.get("id")) and alias["id"] in names:
                text = alias.get("alias", alias.get("*"))
                if isinstance(text, str) and text:
                    names[alias["id"]].add(_norm(text))
        return cls(server.rstrip("/"), articlepath, general.get("case") != "case-sensitive", names)

    def namespace_of(self, title: str) -> int | None:
        """The namespace of a title by its prefix (among those we need), else None."""
        prefix, sep, _ = title.partition(":")
        if not sep:
            return None
        folded = _norm(prefix)
        return next((ns for ns, names in self.namespaces.items() if folded in names), None)

    def page_title(self, title: str) -> str:
        """A title as MediaWiki stores it: underscores as spaces, one space, first letter up."""
        text = " ".join(title.replace("_", " ").split())
        if self.first_letter and text:
            text = text[0].upper() + text[1:]
        return text

    def same_template(self, name: str, wanted: str) -> bool:
        """Template names compared as MediaWiki does (namespace prefix optional)."""
        if self.namespace_of(name) == 10:
            name = name.partition(":")[2]
        if self.namespace_of(wanted) == 10:
            wanted = wanted.partition(":")[2]
        return self.page_title(name) == self.page_title(wanted)

    def url_of(self, title: str) -> str:
        page, _, fragment = title.partition("#")
        path = quote(self.page_title(page).replace(" ", "_"), safe="/:()!,;*@$'~")
        url = self.server + self.articlepath.replace("$1", path)
        return f"{url}#{quote(fragment.strip().replace(' ', '_'))}" if fragment.strip() else url


# --- the category's pages ------------------------------------------------------------


@dataclass
class Page:
    pageid: int
    title: str
    timestamp: str | None = None
    text: str | None = None
    problem: str | None = None


def find_category(api: MediaWikiAPI, name: str) -> tuple[Wiki, str]:
    """The wiki's siteinfo and the category's full title, from a name with or without its
    namespace prefix (``Communs``, ``Category:Communs``, ``Catégorie:Communs``)."""
    name = name.strip()
    if not name or TITLE_FORBIDDEN.search(name):
        raise FetchError(f"--category {name!r} is not a page title")
    given, prefixed = name, f"Category:{name}"
    answer = api.call(
        {
            "action": "query",
            "meta": "siteinfo",
            "siprop": "general|namespaces|namespacealiases",
            "prop": "categoryinfo",
            "titles": f"{given}|{prefixed}",
        }
    )
    query = answer.get("query")
    if not isinstance(query, dict):
        raise FetchError(f"{api.url} gave no 'query' in its answer: is it a MediaWiki api.php?")
    wiki = Wiki.from_query(query, api.url)
    normalized = query.get("normalized", [])
    if not isinstance(normalized, list):
        raise FetchError(f"{api.url}: the answer's 'normalized' is not a list")
    renamed: dict[str, str] = {}
    for item in normalized:
        if not (isinstance(item, dict) and _texts(item.get("from"), item.get("to"))):
            raise FetchError(f"{api.url}: an item of 'normalized' has no 'from' and 'to' titles")
        renamed[item["from"]] = item["to"]
    pages = query.get("pages")
    pages = list(pages.values()) if isinstance(pages, dict) else pages
    if not isinstance(pages, list):
        raise FetchError(f"{api.url} gave no 'pages' for the category {name!r}")
    if not all(isinstance(p, dict) for p in pages):
        raise FetchError(f"{api.url}: a page of the answer's 'pages' is not an object")
    by_title = {p["title"]: p for p in pages if isinstance(p.get("title"), str)}
    for title in (given, prefixed):
        page = by_title.get(renamed.get(title, title))
        if page is not None and _int(page.get("ns")) and page["ns"] == 14:
            break
    else:
        raise FetchError(f"the wiki at {api.url} has no category {name!r}")
    if page.get("invalid"):
        why = str(page.get("invalidreason") or "invalid title")[:200]
        raise FetchError(f"--category {name!r}: {why}")
    info = page.get("categoryinfo")
    if page.get("missing") and not (isinstance(info, dict) and info.get("size")):
        raise FetchError(f"the wiki at {api.url} has no category {page.get('title')!r}")
    return wiki, str(page["title"])


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _texts(*values: Any) -> bool:
    return all(isinstance(v, str) for v in values)


def category_pages(api: MediaWikiAPI, title: str, limit: int) -> list[Page]:
    """The category's pages (not its subcategories or files) with their latest wikitext."""
    params = {
        "action": "query",
        "generator": "categorymembers",
        "gcmtitle": title,
        "gcmtype": "page",
        "gcmlimit": str(BATCH),
        "prop": "revisions",
        "rvprop": "content|timestamp|ids",
        "rvslots": "main",
    }
    pages: dict[int, Page] = {}
    for answer in api.query_all(params):
        query = answer.get("query")
        if query is None:  # an empty batch, or an empty category
            continue
        listed = query.get("pages") if isinstance(query, dict) else None
        listed = list(listed.values()) if isinstance(listed, dict) else listed  # formatversion 1
        if not isinstance(listed, list):
            raise FetchError(f"{api.url}: the answer's query has no list of pages")
        for raw in listed:
            if not isinstance(raw, dict):
                raise FetchError(f"{api.url}: a page in the answer is not an object")
            pageid, title = raw.get("pageid"), raw.get("title")
            if not isinstance(title, str):
                title = f"page {pageid}"
            if raw.get("missing") or raw.get("invalid") or not _int(pageid) or pageid < 0:
                continue  # gone between the listing and the read; nothing to import
            page = pages.get(pageid)
            if page is None:
                if len(pages) >= limit:
                    raise FetchError(
                        f"the category {title!r} has more than {limit} pages; raise max_pages "
                        "in the map file to read them all"
                    )
                page = pages[pageid] = Page(pageid, title)
            _read_revision(page, raw.get("revisions"))
    for page in pages.values():
        if page.text is None and page.problem is None:
            page.problem = "the wiki gave no content for it"
    return list(pages.values())


def _read_revision(page: Page, revisions: Any) -> None:
    if not revisions:
        return  # its content comes in a later answer (rvcontinue)
    revision = revisions[0] if isinstance(revisions, list) else None
    if not isinstance(revision, dict):
        page.problem = "its revision is not an object"
        return
    slots = revision.get("slots")
    slot = slots.get("main") if isinstance(slots, dict) else revision  # before MediaWiki 1.32
    if not isinstance(slot, dict):
        page.problem = "its revision has no main slot"
        return
    model = slot.get("contentmodel", "wikitext")
    content = slot.get("content", slot.get("*"))
    timestamp = revision.get("timestamp")
    if slot.get("texthidden") or revision.get("texthidden"):
        page.problem = "its content is hidden"
    elif model != "wikitext":
        page.problem = f"its content is {str(model)[:40]}, not wikitext"
    elif not isinstance(content, str):
        page.problem = "its revision has no wikitext"
    elif not isinstance(timestamp, str) or _timestamp(timestamp) is None:
        page.problem = "its revision has no valid timestamp"
    else:
        page.text, page.timestamp, page.problem = content, timestamp, None


def _timestamp(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- wikitext to our keys --------------------------------------------------------------


def _libraries() -> tuple[Any, str]:
    """mwparserfromhell and the pandoc binary, or a FetchError saying how to get them."""
    try:
        import mwparserfromhell
        import pypandoc
    except ImportError as exc:
        raise FetchError(
            f"fetching from a wiki needs {exc.name}: {INSTALL_HINT} (or pypandoc with a "
            "pandoc of your system)"
        ) from None
    try:
        pandoc = pypandoc.get_pandoc_path()
    except OSError:
        raise FetchError(f"fetching from a wiki needs pandoc: {INSTALL_HINT}") from None
    return mwparserfromhell, pandoc


class BudgetSpent(Exception):
    """pandoc has used the fetch's CONVERT_BUDGET: the fetch stops."""


class Converter:
    """Wikitext to plain lines, URLs and Markdown, with the wiki's links made absolute.

    Each text goes through its own pandoc process, bounded in time (PANDOC_TIMEOUT) and
    memory (PANDOC_HEAP); ``spent`` adds up pandoc's time, bounded by ``budget``."""

    def __init__(self, wiki: Wiki, parser: Any, pandoc: str, budget: float | None = None) -> None:
        self.wiki = wiki
        self.parser = parser
        self.pandoc = pandoc
        self.budget = CONVERT_BUDGET if budget is None else budget
        self.spent = 0.0
        self._folder = tempfile.TemporaryDirectory(prefix="appel-a-communs-pandoc-")
        self.link_filter = Path(self._folder.name) / "links.lua"
        self.link_filter.write_text(LINK_FILTER, encoding="utf-8")

    def _links(self, code: Any) -> Any:
        """Internal links to absolute external ones; category, file and media links out.

        In one walk of the tree, each link replaced where it stands (``Wikicode.replace``
        searches the whole tree for each link: quadratic on a long page)."""
        nodes = code.nodes
        for i, node in enumerate(nodes):
            if isinstance(node, self.parser.nodes.Wikilink):
                nodes[i] = self.parser.nodes.Text(self._link(node))
            else:
                for child in node.__children__():
                    self._links(child)
        return code

    def _link(self, link: Any) -> str:
        title = str(link.title).strip()
        colon = title.startswith(":")
        ns = self.wiki.namespace_of(title.lstrip(":"))
        if ns in (6, -2) or (ns == 14 and not colon):
            return ""  # a categorisation, or an image our pages would load from the wiki
        text = str(self._links(link.text)).strip() if link.text is not None else ""
        text = text or title.lstrip(":")
        if title.lstrip(":").startswith("#") or not title.strip(":"):
            return text
        return f"[{self.wiki.url_of(title.lstrip(':'))} {text}]"

    def line(self, code: Any) -> str:
        text = code.strip_code(normalize=True, collapse=True)
        return " ".join(text.split())

    def url(self, code: Any) -> str:
        links = code.filter_external_links()
        return str(links[0].url).strip() if links else self.line(code)

    def markdown(self, code: Any) -> str:
        text = str(self._links(code)).strip()
        if not text:
            return ""
        left = self.budget - self.spent
        if left <= 0:
            raise BudgetSpent
        timeout = min(PANDOC_TIMEOUT, left)
        command = [self.pandoc, "+RTS", f"-M{PANDOC_HEAP}", "-RTS", "--sandbox"]
        command += ["--lua-filter", str(self.link_filter), "-f", "mediawiki", "-t", PANDOC_TO]
        started = time.monotonic()
        try:
            done = subprocess.run(
                [*command, "--wrap=none"],
                input=text,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            if timeout < PANDOC_TIMEOUT:
                raise BudgetSpent from None
            raise ValueError(
                f"pandoc could not convert its text within {PANDOC_TIMEOUT:g} s"
            ) from None
        except (OSError, subprocess.SubprocessError) as exc:
            raise ValueError(f"pandoc could not convert it ({exc.__class__.__name__})") from None
        finally:
            self.spent += time.monotonic() - started
        if done.returncode != 0:
            why = " ".join(done.stderr.split())[:200] or f"exit status {done.returncode}"
            raise ValueError(f"pandoc could not convert it: {why}")
        return done.stdout.strip()


@dataclass
class PageResult:
    data: dict[str, Any] | None = None
    problem: str | None = None
    unknown: list[str] = field(default_factory=list)


def page_data(page: Page, wmap: WikiMap, converter: Converter) -> PageResult:
    """The data of a propose-common envelope from a page, or why there is none."""
    if len(page.text or "") > MAX_PAGE_TEXT:
        return PageResult(
            problem=f"its wikitext has {len(page.text or '')} characters, more than the "
            f"{MAX_PAGE_TEXT} a page may have"
        )
    if converter.spent >= converter.budget:
        raise BudgetSpent
    try:
        return _page_data(page, wmap, converter)
    except BudgetSpent:
        raise
    except (RecursionError, MemoryError) as exc:  # markup nested past what we walk
        return PageResult(problem=f"its wikitext cannot be read ({exc.__class__.__name__})")


def _page_data(page: Page, wmap: WikiMap, converter: Converter) -> PageResult:
    started = time.monotonic()
    try:
        code = converter.parser.parse(page.text or "")
    except Exception as exc:  # a third-party parser: any failure is this page's problem
        return PageResult(problem=f"its wikitext cannot be parsed ({exc.__class__.__name__})")
    finally:
        converter.spent += time.monotonic() - started
    template = next(
        (
            t
            for t in code.filter_templates(recursive=False)
            if converter.wiki.same_template(t.name.strip_code().strip(), wmap.template)
        ),
        None,
    )
    if template is None:
        return PageResult(problem=f"it has no {{{{{wmap.template}}}}} template")
    params = {str(p.name).strip(): p.value for p in template.params}
    mapped = {n for names in wmap.fields.values() for n in _names(names)}
    result = PageResult(unknown=sorted(n for n in params if n not in mapped))
    data: dict[str, Any] = {}
    try:
        for key, names in wmap.fields.items():
            value = next(
                (params[n] for n in _names(names) if n in params and str(params[n]).strip()),
                None,
            )
            if value is not None:
                converted = _convert(key, value, wmap, converter)
                if converted:
                    data[key] = converted
        if wmap.page_text == "body":
            code.remove(template)
            text = converter.markdown(code)
            if text:
                data["body"] = f"{data['body']}\n\n{text}" if data.get("body") else text
    except ValueError as exc:
        return PageResult(problem=str(exc), unknown=result.unknown)
    for key, value in wmap.values.items():
        if key not in data:
            data[key] = [value] if key in LIST_KEYS and isinstance(value, str) else value
    data.setdefault("title", page.title)
    result.data = {k: data[k] for k in sorted(data)}
    return result


def _names(names: str | list[str]) -> list[str]:
    return [names] if isinstance(names, str) else names


def _convert(key: str, value: Any, wmap: WikiMap, converter: Converter) -> Any:
    if key in MARKDOWN_KEYS:
        return converter.markdown(value)
    text = converter.url(value) if key in URL_KEYS else converter.line(value)
    words = {k.casefold(): v for k, v in wmap.translate.get(key, {}).items()}  # type: ignore[call-overload]
    if key in LIST_KEYS:
        sep = wmap.split.get(key)  # type: ignore[call-overload]
        items = [i.strip() for i in text.split(sep)] if sep else [text]
        return [words.get(i.casefold(), i) for i in items if i]
    return words.get(text.casefold(), text)


# --- the fetch ---------------------------------------------------------------------


@dataclass
class WikiReport:
    """What a fetch did: envelopes written, pages skipped and why, parameters left out."""

    category: str = ""
    pages: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        lines = [
            f"{self.category}: {self.pages} page(s); {len(self.written)} new envelope(s) in "
            f"submissions/inbox/, {self.unchanged} already there or handled"
        ]
        lines += [f"- {ident}" for ident in self.written]
        if self.skipped:
            lines.append(f"{len(self.skipped)} page(s) skipped:")
            lines += [f"- {title}: {why}" for title, why in self.skipped]
        if self.unknown:
            lines.append("template parameters that the map leaves out (pages using them):")
            lines += [f"- {name} ({count})" for name, count in sorted(self.unknown.items())]
        return "\n".join(lines)


def envelope_id(host: str, pageid: int) -> str:
    """``file-mediawiki-<host>-<pageid>``, the same on every run; cut and ended by a hash
    when a page id too long for a file name would make it longer than ``MAX_SLUG``."""
    return clip_slug(f"file-mediawiki-{slugify(host) or 'wiki'}-{pageid}")


def fetch_mediawiki(
    root: Path,
    api_url: str,
    category: str,
    map_path: Path,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    contact: str | None = None,
) -> WikiReport:
    """One propose-common envelope per page of ``category`` that holds the map's template."""
    wmap = load_map(map_path)
    parser, pandoc = _libraries()
    api = MediaWikiAPI(api_url, session, sleep, contact)
    wiki, title = find_category(api, category)
    converter = Converter(wiki, parser, pandoc)
    report = WikiReport(category=title)
    pages = category_pages(api, title, wmap.max_pages)
    for page in pages:
        report.pages += 1
        if page.problem is not None:
            report.skipped.append((page.title, page.problem))
            continue
        try:
            result = page_data(page, wmap, converter)
        except BudgetSpent:
            report.pages -= 1
            raise FetchError(
                f"{api.url}: converting the pages of {title!r} took {converter.budget:g} s "
                f"in all; stopped at the page {page.title!r} ({len(pages) - report.pages} "
                f"page(s) not converted). What was done is kept:\n{report.summary()}"
            ) from None
        report.unknown.update(result.unknown)
        if result.data is None:
            report.skipped.append((page.title, result.problem or "no data"))
            continue
        envelope = {
            "id": envelope_id(api.host, page.pageid),
            "type": "propose-common",
            "submitted_at": page.timestamp,
            "source": "file",
            "data": result.data,
        }
        if store_envelope(root, clean_envelope(envelope)):
            report.written.append(envelope["id"])
        else:
            report.unchanged += 1
    return report
