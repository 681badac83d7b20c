"""What a submitter types is kept as typed, and what the processor says about it (the
rejection reports posted on issues, the summary that becomes a pull request's body) quotes
it inertly: no link, image, HTML, heading, table or mention can come from submitted text."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from gettext import NullTranslations
from pathlib import Path

import nh3
import pytest
from conftest import build_site, gfm, naughty_strings, submissions_site
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from appel_a_communs.i18n import M_, translations
from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.messages import inline_code, visible
from appel_a_communs.submissions.text import strip_html


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
        # U+FEFF is refused before (text_problem: invisible); the HTML parser drops it
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<\ufeff")
        | st.sampled_from(["&", "lt;", "gt;", "amp;", "#60;", "#x3C;", "nbsp", ";", "\n", "\t"])
    ).map("".join)
)
def test_text_without_tags_is_kept_exactly(text):
    assert strip_html(text) == text


# Elements whose contents the HTML parser reads as text (raw text, RCDATA, plaintext, CDATA
# in foreign content): kept as text, they came back as tags once entities were decoded.
RAW_TEXT_TAGS = ["xmp", "noembed", "textarea", "title", "iframe", "noframes", "plaintext",
                 "noscript", "style", "script"]  # fmt: skip


def has_tag(text: str) -> bool:
    """Whether nh3 would strip something from the text: a tag, a comment, a declaration."""
    return html.unescape(nh3.clean(text.replace("&", "&amp;"), tags=set())) != text


@pytest.mark.parametrize("tag", RAW_TEXT_TAGS)
@pytest.mark.parametrize(
    "inner",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "&lt;script&gt;",
        "<{tag}><script>alert(1)</script></{tag}>",
    ],
)
def test_raw_text_elements_never_come_back_as_markup(tag, inner):
    cleaned = strip_html(f"Bonjour <{tag}>{inner.format(tag=tag)}</{tag}> fin")
    assert "<" not in cleaned and "&amp;" not in cleaned, cleaned
    assert cleaned.startswith("Bonjour ")


@pytest.mark.parametrize(
    "typed",
    [
        "<svg><![CDATA[<script>alert(1)</script>]]></svg>",
        "<math><mtext><xmp><img src=x onerror=alert(1)></xmp></mtext></math>",
        "<xmp><xmp><script>alert(1)</script></xmp></xmp>",
        "<plaintext><b>x</b>",
    ],
)
def test_nested_and_foreign_text_never_comes_back_as_markup(typed):
    cleaned = strip_html(typed)
    assert "<" not in cleaned and not has_tag(cleaned), cleaned


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<", ">", "/", "&", "lt;", "amp;", "<!--", "-->", "<![CDATA[", "]]>", "<svg>",
             "<math>", "<mtext>", "<script>", "</script>", "<b>", "x", " ", "\n", "="]
            + [f"<{t}>" for t in RAW_TEXT_TAGS] + [f"</{t}>" for t in RAW_TEXT_TAGS]
        )
        | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=4)
    ).map("".join)
)  # fmt: skip
def test_stripped_text_holds_no_tag_and_is_stable(text):
    """Control characters are refused before (``text_problem``), ``\\r`` made ``\\n``."""
    cleaned = strip_html(text)
    assert not has_tag(cleaned), (text, cleaned)
    assert strip_html(cleaned) == cleaned, (text, cleaned)


def test_a_raw_text_element_in_a_submission_writes_no_markup(site, capsys):
    put(site, "form-1", {"id": "form-1", "type": "register-actor", "data": {
        "name": "Club Xmp", "kind": "association",
        "description": "Bonjour <xmp><script>alert(1)</script></xmp> et <noembed><img src=x "
                       "onerror=alert(1)></noembed>fin"}})  # fmt: skip
    process(site, capsys)
    written = [p.read_text(encoding="utf-8") for p in (site / "content/actors").iterdir()]
    club = [text for text in written if "Club Xmp" in text]
    assert club and "Bonjour" in club[0] and "fin" in club[0]
    assert "<script" not in club[0] and "<img" not in club[0] and "alert" not in club[0]


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


# --- quoted inertly -------------------------------------------------------------------

HOSTILE = [
    "[x](https://e.vil) @octocat",
    "<img src=x onerror=alert(1)>",
    "# heading",
    "| a | b |\n|---|---|",
    "www.e.vil",
    "<https://e.vil>",
    "ceo@e.vil",
    "nul\x00here",
    "soh\x01here",
    "crlf\r\n# heading",
    "five `````backticks````` run",
    "`` `",
    "#123 @octocat a5c3785ed8d6a35868bc169f07e40e889087fd2e",
    "*em* __strong__ ~~gone~~",
    "![i](https://e.vil/i.png)",
    "<!-- hidden -->",
    "line\u2028separator",
    "```\nfence\n```",
    "[ref]: https://e.vil",
    "&lt;b&gt;&#64;octocat",
    " ",
    "",
]
"""Values that render as something live in GitHub-flavoured Markdown if quoted carelessly."""

BACKTICK_ID = "github-1`` ` ```"
LIVE = {"link_open", "image", "html_inline", "html_block", "table_open", "s_open", "em_open"}
# GitHub links @login, #123 and commit hashes in text, never inside code.
REFERENCE = re.compile(r"@[A-Za-z0-9]|#[0-9]|\b[0-9a-f]{7,40}\b")
# Words of the hostile values that our own wording never uses.
FOREIGN = ("e.vil", "octocat", "onerror", "heading", "backticks", "hidden", "fence", "---")


def flat(markdown: str) -> list[Token]:
    out = []
    for token in gfm().parse(markdown):
        out.append(token)
        out.extend(token.children or ())
    return out


def assert_inert(markdown: str, headings: int, strong: int, foreign: bool = True) -> list[str]:
    """The Markdown's live parts are ours only; returns its code spans' contents."""
    tokens = flat(markdown)
    types = [t.type for t in tokens]
    assert not LIVE & set(types), [t for t in tokens if t.type in LIVE]
    assert types.count("heading_open") == headings, markdown
    assert types.count("strong_open") == strong, markdown
    for token in tokens:
        if token.type == "text":
            assert not REFERENCE.search(token.content), token.content
            if foreign:
                assert not any(word in token.content for word in FOREIGN), token.content
    shown = [c for c in markdown if c != "\n"]
    assert not [c for c in shown if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]
    return [t.content for t in tokens if t.type == "code_inline"]


def hostile_inbox(site: Path, values: list[str], prefix: str) -> None:
    """Each value as a referenced actor, a challenge, a data key, an envelope id, a type,
    a date and a source; and as the names of an actor and a common that are accepted."""
    for i, value in enumerate(values):
        put(site, f"{prefix}a{i}", {"id": f"form-{prefix}a{i}", "data": {"actor": value,
            "common": "covoit", "role": "user"}})  # fmt: skip
        put(site, f"{prefix}b{i}", {"id": f"form-{prefix}b{i}", "type": "propose-common",
            "data": {"title": f"T{prefix}{i}", "summary": "S", "challenges": [value],
                     "proposed_by": ["asso"], value or "k": 1}})  # fmt: skip
        put(site, f"{prefix}c{i}", {"id": value})
        put(site, f"{prefix}d{i}", {"id": f"form-{prefix}d{i}", "type": value})
        put(site, f"{prefix}e{i}", {"id": f"form-{prefix}e{i}", "submitted_at": value})
        put(site, f"{prefix}f{i}", {"id": f"form-{prefix}f{i}", "source": value})


def test_reports_and_summaries_quote_submitted_values_inertly(site, capsys):
    hostile_inbox(site, HOSTILE, "h")
    put(site, "backticks", {"id": BACKTICK_ID})
    put(site, "near", {"id": "form-near", "type": "register-actor",  # looks like asso
        "data": {"name": "**Association** @Roule", "kind": "association"}})  # fmt: skip
    put(site, "near2", {"id": "form-near2", "type": "propose-common", "data": {
        "title": "_Covoiturage_ <ouvert>", "summary": "S", "challenges": ["mobilite"],
        "proposed_by": ["asso"]}})  # fmt: skip
    dry = process(site, capsys, "--dry-run")
    out = process(site, capsys)
    for text in (dry, out):
        # title, counts, added, to check, rejected
        code = assert_inert(text, headings=4, strong=1)
        assert "**Association** @Roule" in "\n".join(code)
        assert "[x](https://e.vil) @octocat" in code and BACKTICK_ID in code
    reports = sorted((site / "submissions/rejected").glob("*.report.md"))
    assert len(reports) == 6 * len(HOSTILE) + 1
    for report in reports:
        text = report.read_text(encoding="utf-8")
        code = assert_inert(text, headings=1, strong=0)
        assert text.startswith("# Soumission ")  # the site's language, French, only
    text = (site / "submissions/rejected/backticks.report.md").read_text(encoding="utf-8")
    assert gfm().parse(text)[1].children[1].content == BACKTICK_ID  # the title's code span
    text = (site / "submissions/rejected/ha0.report.md").read_text(encoding="utf-8")
    code = assert_inert(text, headings=1, strong=0)
    assert "'[x](https://e.vil) @octocat'" in code  # shown as the value pydantic saw
    nul = (site / "submissions/rejected/hc7.report.md").read_text(encoding="utf-8")
    assert "nul\\u0000here" in assert_inert(nul, headings=1, strong=0)
    crlf = (site / "submissions/rejected/hc9.report.md").read_text(encoding="utf-8")
    assert "crlf\\r\\n# heading" in assert_inert(crlf, headings=1, strong=0)


def test_the_big_list_of_naughty_strings_is_quoted_inertly(site, capsys):
    naughty = list(naughty_strings())
    for i, value in enumerate(naughty):  # one envelope each, for its own id
        put(site, f"n{i}", {"id": value, "type": value, "submitted_at": value, "source": value})
    put(site, "lists", {"id": "form-lists", "type": "propose-common", "data": {
        "title": "T", "summary": "S", "challenges": naughty, "proposed_by": naughty}})  # fmt: skip
    put(site, "keys", {"id": "form-keys", "data": dict.fromkeys(naughty, 1)})
    out = process(site, capsys)
    assert_inert(out, headings=2, strong=1, foreign=False)  # title, rejected
    reports = sorted((site / "submissions/rejected").glob("*.report.md"))
    assert len(reports) == len(naughty) + 2
    for report in reports:
        assert_inert(report.read_text(encoding="utf-8"), headings=1, strong=0, foreign=False)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["`", "``", " ", "\n", "\x00", "\u2028", "x", "@a", "é"])
                | st.text(max_size=5)).map("".join))  # fmt: skip
def test_any_value_is_one_code_span_showing_it(value):
    tokens = gfm().parseInline(f"a {inline_code(value)} b")[0].children
    assert [t.type for t in tokens] == ["text", "code_inline", "text"], (value, tokens)
    assert tokens[1].content == (visible(value) or " ")


def test_message_parameters_are_quoted_and_our_wording_is_not():
    message = M_(
        "'%(slug)s' is taken: %(file)s exists; %(hint)s (%(count)d)",
        slug="a*b*",
        file="x",
        hint=M_("next round '%(round)s' opens", round="r"),
        count=3,
    )
    assert message.translated(NullTranslations(), inline_code) == (
        "`a*b*` is taken: `x` exists; next round `r` opens (3)"
    )
    assert str(message) == "'a*b*' is taken: x exists; next round 'r' opens (3)"
    near = M_("« %(name)s » looks like the existing '%(other)s' (%(file)s)",
              name="@Asso", other="asso", file="content/actors/asso.yml")  # fmt: skip
    assert near.translated(translations("fr"), inline_code) == (
        "`@Asso` ressemble à `asso`, qui existe déjà (`content/actors/asso.yml`)"
    )


def test_text_that_never_settles_keeps_no_tag(monkeypatch):
    """The last guard: were the passes to run out, no ``<`` is left to open a tag."""
    monkeypatch.setattr("appel_a_communs.submissions.text.MAX_PASSES", 1)
    assert strip_html("a <<b>b> c") == "a \ufffdb> c"  # one pass leaves "a <b> c"
