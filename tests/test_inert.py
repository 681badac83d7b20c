"""What a submitter types is kept as typed, and what the processor says about it (the
rejection reports posted on issues, the summary that becomes a pull request's body) quotes
it inertly: no link, image, HTML, heading, table or mention can come from submitted text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, build_site, submissions_site
from hypothesis import given, settings
from hypothesis import strategies as st

from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.text import strip_html

BLNS = REPO / "tests/corpora/blns/blns.json"


@pytest.fixture
def site(tmp_path, make_content) -> Path:
    return submissions_site(tmp_path, make_content())


def put(site: Path, name: str, envelope: dict) -> Path:
    """An envelope file named ``name`` (its id may be anything, even unusable as a name)."""
    base = {
        "type": "join",
        "submitted_at": "2026-11-20T10:00:00Z",
        "source": "form",
        "data": {},
    }
    path = site / "submissions" / "inbox" / f"{name}.json"
    path.write_text(json.dumps({**base, **envelope}), encoding="utf-8")
    return path


def process(site: Path, capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["--root", str(site), "process", "--today", "2026-11-26", *args]) == 0
    return capsys.readouterr().out


# --- kept as typed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Tom &amp; Jerry", "Tom &amp; Jerry"),
        ("Tom & Jerry", "Tom & Jerry"),
        ("&#60;b&#62; &#x3C;i&#x3e; &nbsp; &copy", "&#60;b&#62; &#x3C;i&#x3e; &nbsp; &copy"),
        ("a < b > c", "a < b > c"),
        ("<b>bold</b> & <i>it</i>", "bold & it"),
        ("avant <script>x & y</script> après", "avant  après"),
        ("<style>p{}</style>texte", "texte"),
        ('<a href="https://e.vil?a&amp;b">lien</a>', "lien"),
        ("un\u00a0espace insécable", "un\u00a0espace insécable"),
        ("> citation & plus\n\n**gras** `<code>`", "> citation & plus\n\n**gras** ``"),
    ],
)
def test_html_is_removed_and_entity_references_stay_as_typed(typed, kept):
    assert strip_html(typed) == kept


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<")
        | st.sampled_from(["&", "lt;", "gt;", "amp;", "#60;", "#x3C;", "nbsp", ";", "\n", "\t"])
    ).map("".join)
)
def test_text_without_tags_is_kept_exactly(text):
    assert strip_html(text) == text


def test_a_typed_entity_reference_reaches_content_and_data_as_typed(site, capsys):
    typed = "Échappé : &lt;script&gt;alert(1)&lt;/script&gt; & a < b, <b>gras</b>"
    put(
        site,
        "form-1",
        {
            "id": "form-1",
            "type": "propose-common",
            "data": {
                "title": "Commun échappé",
                "summary": "Un commun.",
                "challenges": ["mobilite"],
                "proposed_by": ["asso"],
                "body": f"{typed}\n\n<script>alert(2)</script>Fin.\n",
            },
        },
    )
    process(site, capsys)
    text = (site / "content/commons/commun-echappe.md").read_text(encoding="utf-8")
    kept = "Échappé : &lt;script&gt;alert(1)&lt;/script&gt; & a < b, gras"
    assert kept in text and "Fin." in text
    assert "<script" not in text and "alert(2)" not in text and "<b>" not in text
    built = build_site(site / "content", site / "out")
    data = (built / "data/commons/commun-echappe.json").read_text(encoding="utf-8")
    assert "<script" not in data.lower()
    assert json.loads(data)["content"]["body"].startswith(kept)
    page = (built / "communs/commun-echappe/index.html").read_text(encoding="utf-8")
    # On the page the text is Markdown, as in any content file: the references show as text.
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
