"""What processing submissions writes speaks the site's language, and only it: the summary
(a pull request's body) and every rejection report of a French site hold no English
sentence of the catalogue, those of an English site no French one. Submitted values stay
quoted (code spans), whatever the language: they are taken out before looking."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from test_i18n import _catalogue_fragments
from test_submissions import COMMON, REJECTED, make_site, process, put

# Words of the other language that a line outside the catalogue would leave.
OTHER_WORDS = {
    "fr": re.compile(r"\b(?:the|of|and|with|to|by|is|not|added|rejected|pledges?|commons?)\b"),
    "en": re.compile(r"\w*[éèêàùçôîœ]\w*|\b(?:les|des|du|une|pour|sur|avec|est|pas)\b"),
}
# What each language must show (so that the check is not vacuous).
EXPECTED = {
    "fr": ("## Soumissions", "**2 ajoutées, 8 refusées**", "### À vérifier", "### Refusées",
           "- `form-13` (`register-actor`) : `content/actors/nouvelle.yml`",
           "### Non traitées", "# Soumission `form-0` refusée"),
    "en": ("## Submissions", "**2 added, 8 rejected**", "### To check", "### Rejected",
           "- `form-13` (`register-actor`): `content/actors/nouvelle.yml`",
           "### Not processed", "# Submission `form-0` rejected"),
}  # fmt: skip
CODE = re.compile(r"(`+)(?:(?!\1).)*\1…?")


def hostile_inbox(root: Path) -> None:
    for i, (kind, data) in enumerate(REJECTED.items()):
        put(root, f"form-{i}", kind, data)
    outside = {"actor": "asso", "common": "covoit", "money": {"amount": "1"}}
    put(root, "form-9", "pledge", outside, when="2025-01-01T10:00:00Z")  # a round rule
    put(root, "form-12", "propose-common", {**COMMON, "title": "[Covoit](https://e.vil) @x"})
    # a near-duplicate of an actor: accepted, to check
    put(root, "form-13", "register-actor", {"name": "ASSOCIATION  roule", "slug": "nouvelle"})
    inbox = root / "submissions/inbox"
    (inbox / "form-10.yml").write_text("id: form-10\ntype: !pledge join\n", encoding="utf-8")
    (inbox / "form-11.json").write_text('{"id": "form-11", "id": "x"}', encoding="utf-8")
    (inbox / "notes *about* it.txt").write_text("", encoding="utf-8")  # not an envelope


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, tuple[str, str, dict[str, str]]]:
    """Per language: the dry run's summary, the run's, and the reports."""
    results = {}
    for language in ("fr", "en"):
        root = make_site(tmp_path_factory.mktemp(language) / "site", language)
        hostile_inbox(root)
        dry = _run(root, "--dry-run")
        out = _run(root)
        reports = {
            p.name: p.read_text(encoding="utf-8")
            for p in sorted((root / "submissions/rejected").glob("*.report.md"))
        }
        results[language] = (dry, out, reports)
    return results


def _run(root: Path, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        process(root, *args)
    return out.getvalue()


def _prose(text: str) -> list[str]:
    """Each line's own words: the values (code spans) and Markdown marks taken out."""
    lines = (CODE.sub(" ", line) for line in text.splitlines())
    return [" ".join(re.sub(r"[#*\-]+ ?", " ", line).split()) for line in lines]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_summary_and_reports_speak_the_sites_language_only(outputs, language):
    dry, out, reports = outputs[language]
    only_english, only_french = _catalogue_fragments()
    other = only_english if language == "fr" else only_french
    texts = {"dry run": dry, "summary": out, **reports}
    assert len(reports) == 8
    for expected in EXPECTED[language]:
        assert any(expected in text for text in texts.values()), expected
    leftovers = []
    for name, text in texts.items():
        for line in _prose(text):
            leftovers += [f"{name}: {word!r} in {line!r}" for word in
                          OTHER_WORDS[language].findall(line)]  # fmt: skip
            leftovers += [f"{name}: {f!r} in {line!r}" for f in other if " " in f and f in line]
    assert leftovers == []


def test_both_languages_say_the_same_things(outputs):
    """Line for line: the same structure, the same values quoted, different words."""
    (_, french, french_reports), (_, english, english_reports) = outputs["fr"], outputs["en"]
    assert french_reports.keys() == english_reports.keys()
    pairs = zip(french_reports.values(), english_reports.values(), strict=True)
    for fr, en in [(french, english), *pairs]:
        fr_lines, en_lines = fr.splitlines(), en.splitlines()
        assert len(fr_lines) == len(en_lines)
        for a, b in zip(fr_lines, en_lines, strict=True):
            assert _spans(a) == _spans(b), (a, b)
            assert a == b or _prose(a) != _prose(b) or not _prose(a)[0], (a, b)
    assert "- `submissions/inbox/notes *about* it.txt` : " in french


def _spans(line: str) -> list[str]:
    return [match.group(0) for match in CODE.finditer(line)]
