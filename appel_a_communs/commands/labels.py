"""``appel-a-communs labels --repo OWNER/NAME``: the labels the issue forms put on their
issues (``submission:<type>``), which the submissions workflow listens for. GitHub does
not create a form's labels: an issue whose label does not exist gets none."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from appel_a_communs.content.settings import SiteSettingsError, read_site_settings
from appel_a_communs.content.types import GITHUB_REPO
from appel_a_communs.i18n import DEFAULT_LOCALE, translations
from appel_a_communs.submissions.issue_forms import submission_label
from appel_a_communs.vocabulary.forms import TITLES

COLOR = "1d76db"
TIMEOUT = 20
API_VERSION = "2022-11-28"


class LabelError(Exception):
    """GitHub refused or could not be reached: the message says which label and why."""


@dataclass(frozen=True)
class Label:
    name: str
    description: str
    color: str = COLOR


def submission_labels(locale: str = DEFAULT_LOCALE) -> list[Label]:
    _ = translations(locale).gettext
    return [Label(submission_label(kind), _(title)[:100]) for kind, (title, _p) in TITLES.items()]


def sync_labels(repo: str, token: str, api_url: str, labels: list[Label]) -> list[str]:
    """Create each label, or update its colour and description if it exists; what was done."""
    import requests

    session = requests.Session()
    session.headers.update(
        {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {token}",
            "X-GitHub-Api-Version": API_VERSION,
        }
    )
    base = f"{api_url.rstrip('/')}/repos/{repo}/labels"
    done = []
    for label in labels:
        body = {"name": label.name, "color": label.color, "description": label.description}
        try:
            response = session.post(base, json=body, timeout=TIMEOUT)
            if response.status_code == 422 and _already_exists(response):
                url = f"{base}/{quote(label.name, safe='')}"
                response = session.patch(url, json=body, timeout=TIMEOUT)
                verb = "updated"
            else:
                verb = "created"
        except requests.RequestException as exc:
            raise LabelError(f"could not reach {api_url}: {exc.__class__.__name__}") from None
        if not response.ok:
            raise LabelError(f"{label.name}: GitHub answered {response.status_code} "
                             f"{_message(response)}")  # fmt: skip
        done.append(f"{verb}: {label.name}")
    return done


def _already_exists(response) -> bool:
    try:
        errors = response.json().get("errors", [])
    except ValueError:
        return False
    return any(isinstance(e, dict) and e.get("code") == "already_exists" for e in errors)


def _message(response) -> str:
    try:
        return str(response.json().get("message", ""))[:200]
    except ValueError:
        return response.reason or ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", required=True, help="OWNER/NAME")
    parser.add_argument(
        "--api-url",
        default=os.environ.get("GITHUB_API_URL", "https://api.github.com"),
        help="the GitHub API (default: $GITHUB_API_URL, else https://api.github.com)",
    )
    parser.add_argument(
        "--lang",
        help="language of the descriptions (default: DEFAULT_LANG of ./pelicanconf.py, "
        f"else {DEFAULT_LOCALE})",
    )


def run(args: argparse.Namespace) -> int:
    token = os.environ.get("GITHUB_TOKEN")
    if not GITHUB_REPO.fullmatch(args.repo):
        print(f"appel-a-communs labels: --repo is {args.repo!r}: write OWNER/NAME", file=sys.stderr)
        return 2
    if not token:
        print("appel-a-communs labels: set GITHUB_TOKEN to a token that may write the "
              "repository's issues", file=sys.stderr)  # fmt: skip
        return 1
    try:
        lang = args.lang or read_site_settings(Path.cwd()).locale
        done = sync_labels(args.repo, token, args.api_url, submission_labels(lang))
    except (LabelError, SiteSettingsError) as exc:
        print(f"appel-a-communs labels: {exc}", file=sys.stderr)
        return 1
    print("\n".join(done))
    return 0
