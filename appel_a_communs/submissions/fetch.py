"""Fetch submissions into envelope files: GitHub issues, a form backend's JSON, a CSV export."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import urllib3

from appel_a_communs.content.errors import display_path
from appel_a_communs.content.settings import SiteSettingsError, read_site_settings
from appel_a_communs.content.strict_yaml import StrictYAMLError, load_json
from appel_a_communs.content.types import slugify
from appel_a_communs.submissions.envelope import envelope_json, write_atomic
from appel_a_communs.submissions.issue_body import UNREADABLE, parse_issue_body, unreadable_entry
from appel_a_communs.submissions.issue_forms import LABEL_PREFIX, issue_form
from appel_a_communs.submissions.issue_template import IssueFormError, load_template
from appel_a_communs.submissions.process import ToolError
from appel_a_communs.vocabulary.forms import (
    CONTACT_KEYS,
    HONEYPOT,
    SUBMISSION_TYPES,
    fields_to_data,
)

TIMEOUT = 20
META_KEYS = {"id", "_id", "type", "form", "form_name", "submitted_at", "created_at", "_date",
             "email", "contact", *CONTACT_KEYS, HONEYPOT}  # fmt: skip


class FetchError(ToolError):
    """A source could not be read: HTTP error, rate limit, unreadable export."""


def store_envelope(root: Path, envelope: dict[str, Any]) -> bool:
    """Put an envelope in the inbox unless this exact one was already handled."""
    name = f"{envelope['id']}.json"
    text = envelope_json(envelope)
    submissions = root / "submissions"
    for folder in ("processed", "rejected", "inbox"):
        existing = submissions / folder / name
        if existing.exists() and existing.read_text(encoding="utf-8") == text:
            return False
    if (submissions / "processed" / name).exists():
        return False  # accepted already: a later edit of the issue changes nothing
    write_atomic(submissions / "inbox" / name, text)
    return True


def read_limited(
    response: requests.Response, limit: int, deadline_seconds: float, url: str
) -> bytes:
    """The body of a streamed answer (``session.get(..., stream=True)``), at most ``limit``
    bytes (after Content-Encoding is undone, so a compressed bomb stops too) and read
    within ``deadline_seconds`` of wall-clock time in all; else FetchError naming ``url``.

    requests' ``timeout`` bounds each socket read, not the whole answer: a server sending
    one byte a second never trips it. Here every read returns what has arrived (urllib3's
    ``read1``), the clock is checked between reads, so the read ends at most one socket
    timeout (TIMEOUT) after the deadline. Chunks are kept in a list and joined once."""
    start = time.monotonic()
    raw = getattr(response, "raw", None)
    chunks: Iterator[bytes]
    if getattr(response, "_content_consumed", False):  # not streamed: read already
        chunks = iter([response.content or b""])
    elif isinstance(raw, urllib3.response.HTTPResponse) and hasattr(raw, "read1"):
        # (read1 gives None on a closed response: the end too)
        chunks = iter(lambda: raw.read1(65536, decode_content=True) or b"", b"")
    else:  # not urllib3's response (a test adapter's BytesIO): requests' own chunks
        chunks = response.iter_content(65536)
    parts: list[bytes] = []
    size = 0
    try:
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise FetchError(f"{url} answered more than {limit} bytes; nothing was read")
            parts.append(chunk)
            if time.monotonic() - start > deadline_seconds:
                raise FetchError(
                    f"{url} took more than {deadline_seconds:g} s to answer; nothing was read"
                )
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise FetchError(f"could not read {url}: {exc.__class__.__name__}") from None
    return b"".join(parts)


def _get(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    try:
        response = session.get(url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise FetchError(f"could not reach {url}: {exc.__class__.__name__}") from None
    return response


# --- GitHub ------------------------------------------------------------------------


def _templates(root: Path) -> dict[str, dict[str, Any]]:
    """The issue forms by submission type: the repository's files, else the ones the site's
    language generates. A template that cannot be read stops the fetch with its name."""
    try:
        language = read_site_settings(root).locale
    except SiteSettingsError as exc:
        raise FetchError(str(exc)) from None
    forms = {}
    for kind in SUBMISSION_TYPES:
        path = root / ".github" / "ISSUE_TEMPLATE" / f"{kind}.yml"
        try:
            forms[kind] = load_template(path) if path.exists() else issue_form(kind, language)
        except IssueFormError as exc:
            raise FetchError(f"the issue form {display_path(path)} cannot be used: {exc}") from None
    return forms


def github_issues(
    session: requests.Session,
    repo: str,
    label: str | None,
    api_url: str,
    token: str | None,
    number: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Open issues of ``repo``, every page (Link header), pull requests left out; or the
    one issue ``number``."""
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    url: str | None = f"{api_url.rstrip('/')}/repos/{repo}/issues"
    params: dict[str, Any] | None = {"state": "open", "per_page": 100}
    if number is not None:
        url, params = f"{url}/{number}", None
    elif label and params is not None:
        params["labels"] = label
    while url:
        response = _get(session, url, headers=headers, params=params)
        if response.status_code in (403, 429) and (
            response.headers.get("X-RateLimit-Remaining") == "0" or response.status_code == 429
        ):
            reset = response.headers.get("X-RateLimit-Reset")
            when = (
                datetime.fromtimestamp(int(reset), UTC).strftime("%H:%M UTC")
                if reset and reset.isdigit()
                else "later"
            )
            raise FetchError(
                f"GitHub's rate limit is reached (HTTP {response.status_code}); it resets at "
                f"{when}. Set GITHUB_TOKEN for a higher limit."
            )
        if response.status_code >= 400:
            raise FetchError(
                f"GitHub answered HTTP {response.status_code} for {url}: {_why(response)}"
            )
        try:
            issues = response.json()
        except ValueError:
            raise FetchError(f"GitHub's answer for {url} is not JSON") from None
        if number is not None and isinstance(issues, dict):
            issues = [issues]
        if not isinstance(issues, list):
            raise FetchError(f"GitHub's answer for {url} is not a list of issues")
        for issue in issues:
            if isinstance(issue, dict) and "pull_request" not in issue:
                yield issue
        url = response.links.get("next", {}).get("url")
        params = None  # the next link carries them


def _why(response: requests.Response) -> str:
    try:
        return str(response.json().get("message", ""))[:200]
    except ValueError:
        return response.text[:200]


def fetch_github(
    root: Path,
    repo: str,
    label: str | None,
    api_url: str,
    token: str | None,
    session: requests.Session | None = None,
    number: int | None = None,
    author: str | None = None,
) -> list[str]:
    """One envelope per open issue made from one of the submission forms.

    Its ``author`` is the issue's author as GitHub's API gives it; ``author``, the login
    that the workflow's event names (with ``number``), must be the same one."""
    forms = _templates(root)
    session = session or requests.Session()
    written = []
    for issue in github_issues(session, repo, label, api_url, token, number):
        labels = {
            lab.get("name") if isinstance(lab, dict) else lab for lab in issue.get("labels", [])
        }
        kinds = [k for k in SUBMISSION_TYPES if LABEL_PREFIX + k in labels]
        if len(kinds) != 1:
            continue
        kind = kinds[0]
        login = (issue.get("user") or {}).get("login")
        if author is not None and login != author:
            raise FetchError(
                f"issue #{issue.get('number')} was opened by another account than the one "
                "the event names; nothing was fetched"
            )
        try:
            values = parse_issue_body(forms[kind], issue.get("body") or "")
            data = fields_to_data(kind, values)
        except ValueError as exc:  # IssueFormError names the field; the processor rejects
            data = {UNREADABLE: unreadable_entry(exc)}
        envelope = {
            "id": f"github-{issue['number']}",
            "type": kind,
            "submitted_at": issue.get("created_at"),
            "source": "github-issue",
            "author": {"login": login} if isinstance(login, str) else None,
            "data": data,
        }
        if store_envelope(root, clean_envelope(envelope)):
            written.append(envelope["id"])
    return written


# --- form backends ------------------------------------------------------------------


def clean_envelope(envelope: dict[str, Any]) -> dict[str, Any]:
    contact = {k: v for k, v in (envelope.get("contact") or {}).items() if v}
    result = {k: v for k, v in envelope.items() if v is not None and k != "contact"}
    if contact:
        result["contact"] = contact
    return result


def envelope_from_record(record: dict[str, Any], source: str = "form") -> dict[str, Any] | None:
    """An envelope from a form backend's record: nested ``data``, or flat fields."""
    if str(record.get(HONEYPOT) or "").strip():
        return None  # a robot filled the hidden field
    raw_id = str(record.get("id") or record.get("_id") or "").strip()
    ident = slugify(raw_id)
    if not ident:
        raise FetchError(f"a submission has no id: {sorted(record)[:8]}")
    prefix = "form-" if source == "form" else "file-"
    kind = str(record.get("type") or record.get("form") or record.get("form_name") or "")
    if isinstance(record.get("data"), dict):
        data = record["data"]
    else:
        flat = {k: v for k, v in record.items() if k not in META_KEYS}
        data = fields_to_data(kind, flat) if kind in SUBMISSION_TYPES else flat
    contact = (
        record.get("contact")
        if isinstance(record.get("contact"), dict)
        else {
            "name": record.get("contact_name"),
            "email": record.get("contact_email") or record.get("email"),
        }
    )
    return clean_envelope(
        {
            "id": ident if ident.startswith(prefix) else prefix + ident,
            "type": kind,
            "submitted_at": record.get("submitted_at")
            or record.get("created_at")
            or record.get("_date"),
            "source": source,
            "contact": contact,
            "data": data,
        }
    )


def _store_records(root: Path, records: Iterable[dict[str, Any]], source: str) -> list[str]:
    written = []
    for record in records:
        if not isinstance(record, dict):
            raise FetchError("a submission is not an object")
        envelope = envelope_from_record(record, source)
        if envelope is not None and store_envelope(root, envelope):
            written.append(envelope["id"])
    return written


def fetch_json(
    root: Path, url: str, headers: dict[str, str], session: requests.Session | None = None
) -> list[str]:
    response = _get(session or requests.Session(), url, headers=headers)
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code}: {_why(response)}")
    # Not response.json(): json.loads recurses, and an export nested deep enough would end
    # in a RecursionError; the strict reader refuses it (and NaN, duplicate keys…) by line.
    try:
        if response.encoding is None and len(response.content) > 3:
            text = response.content.decode(
                requests.utils.guess_json_utf(response.content) or "utf-8"
            )
        else:
            text = response.text
        records = load_json(text)
    except UnicodeDecodeError:
        raise FetchError(f"{url} did not answer JSON") from None
    except StrictYAMLError as exc:
        where = f" (line {exc.line})" if exc.line else ""
        raise FetchError(f"{url} did not answer valid JSON{where}: {exc.message}") from None
    if isinstance(records, dict):  # some backends wrap the list
        records = records.get("submissions") or records.get("data") or records.get("items")
    if not isinstance(records, list):
        raise FetchError(f"{url} did not answer a list of submissions")
    return _store_records(root, records, "form")


def fetch_csv(root: Path, path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            records = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FetchError(f"cannot read {path}: {exc}") from None
    return _store_records(root, ({k: v for k, v in r.items() if k} for r in records), "form")


def parse_issue_file(template: Path, body: Path) -> str:
    """``parse-issue``: the fields of an issue body, as JSON."""
    form = load_template(template)  # a YAML error becomes a message, not a traceback
    return json.dumps(
        parse_issue_body(form, body.read_text(encoding="utf-8")), ensure_ascii=False, indent=2
    )
