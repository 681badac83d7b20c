"""One rule per kind of value, at the door (issue 24): amounts, days, slugs and texts are
judged by the models, so that ``appel-a-communs check``, the build and ``submissions
process`` give one verdict, each naming the file (or the submission) and the field, and
whatever they accept every output shows exactly."""

from __future__ import annotations

import html
import json
import re
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BUILD_DAY, MINIMAL, build_site, submissions_site
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from appel_a_communs.commands.check import check_content
from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.kinds import KINDS
from appel_a_communs.content.models import Common
from appel_a_communs.content.reading import build_item, parse_text
from appel_a_communs.content.types import (
    MAX_AMOUNT,
    MAX_DAYS,
    MAX_RATIO,
    MAX_SLUG,
    MAX_URL,
    Amount,
    Days,
    Ratio,
    Share,
    check_url,
    parse_amount,
    slugify,
)
from appel_a_communs.site.exact_json import number_text
from appel_a_communs.site.formatting import format_money, format_number
from appel_a_communs.site.forms import html_attributes
from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.envelope import Envelope
from appel_a_communs.submissions.process import Processor
from appel_a_communs.vocabulary.forms import FORMS

WHEN = "2026-11-20T10:00:00Z"


# --- helpers: one verdict from each door ------------------------------------------------


def pledge_file(money: str = "", skills: str = "") -> str:
    text = "actor: asso\ncommon: covoit\ndate: 2026-10-01\n"
    if money:
        text += f'money:\n  amount: "{money}"\n'
    if skills:
        text += f'skills:\n  days: "{skills}"\n  description: Tests\n'
    return text


def common_file() -> str:
    return textwrap.dedent(MINIMAL["commons/covoit.md"]).lstrip("\n")


def checked(content: Path) -> list[ContentError]:
    """What ``appel-a-communs check`` reports."""
    return check_content(content, BUILD_DAY)


def built(content: Path, output: Path) -> list[ContentError]:
    """What the build reports; [] when it built."""
    try:
        build_site(content, output)
    except ContentErrors as exc:
        return exc.errors
    return []


def put(site: Path, ident: str, kind: str, data: dict) -> Path:
    envelope = {"id": ident, "type": kind, "submitted_at": WHEN, "source": "form", "data": data}
    path = site / "submissions" / "inbox" / f"{ident}.json"
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path


def processed(site: Path, ident: str) -> str | None:
    """The rejection report of ``ident`` after a real ``process`` run; None if accepted."""
    assert main(["--root", str(site), "process", "--today", BUILD_DAY.isoformat()]) == 0
    report = site / "submissions" / "rejected" / f"{ident}.report.md"
    if report.exists():
        return report.read_text(encoding="utf-8")
    assert (site / "submissions" / "processed" / f"{ident}.json").exists()
    return None


def about(errors: list[ContentError], path: str, field: str) -> list[ContentError]:
    return [e for e in errors if Path(e.path).as_posix().endswith(path) and e.field == field]


# --- item 2 and 3: big numbers and long names end in a refusal, never a traceback -------

PROPOSAL = {
    "title": "Parking vélo",
    "summary": "Des arceaux partagés.",
    "challenges": ["mobilite"],
    "proposed_by": ["asso"],
}


HUGE = [
    pytest.param(
        {"pledges/p1.yml": pledge_file(money="9" * 27)},
        "pledges/p1.yml",
        "money.amount",
        ("pledge", {"actor": "asso", "common": "covoit", "money": {"amount": "9" * 27}}),
        "1000000000000",
        id="amount-27-digits",
    ),
    pytest.param(
        {"pledges/p2.yml": pledge_file(skills="9" * 26)},
        "pledges/p2.yml",
        "skills.days",
        (
            "pledge",
            {"actor": "asso", "common": "covoit", "skills": {"days": "9" * 26, "description": "x"}},
        ),
        "1000000",
        id="days-26-digits",
    ),
    pytest.param(
        {f"commons/{'a' * 247}.md": MINIMAL["commons/covoit.md"]},
        f"commons/{'a' * 247}.md",
        "slug",
        ("propose-common", {**PROPOSAL, "slug": "a" * 247}),
        "100",
        id="slug-247-characters",
    ),
]


@pytest.mark.parametrize(("files", "path", "field", "submission", "most"), HUGE)
def test_a_value_beyond_its_limit_is_refused_by_check_build_and_process(
    make_content, tmp_path, files, path, field, submission, most
):
    content = make_content(files)
    for errors in (checked(content), built(content, tmp_path / "out")):
        found = about(errors, path, field)
        assert found, [str(e) for e in errors]
        assert most in found[0].message, found[0].message
    assert not (tmp_path / "out" / "index.html").exists()

    site = submissions_site(tmp_path, make_content())
    put(site, "form-1", *submission)
    report = processed(site, "form-1")
    assert report is not None and f"`{field}" in report and most in report, report


def test_a_matching_ratio_beyond_the_limit_is_refused_by_check_and_build(make_content, tmp_path):
    """A ratio is shown on the round's page: one of 27 digits stopped the build in Babel."""
    campaign = 'matching:\n  funder: ville\n  pool: "1000"\n  method: proportional\n'
    content = make_content({"campaign.yml": campaign + f'  ratio: "{"9" * 27}"\n'})
    for errors in (checked(content), built(content, tmp_path / "out")):
        found = about(errors, "campaign.yml", "matching.ratio")
        assert found and str(MAX_RATIO) in found[0].message, [str(e) for e in errors]


def test_an_envelope_id_beyond_the_limit_is_refused_on_the_id(make_content, tmp_path):
    site = submissions_site(tmp_path, make_content())
    ident = "form-" + "1" * (MAX_SLUG - 4)
    path = put(site, "x", "join", {"actor": "asso", "common": "covoit", "role": "user"})
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "id": ident}))
    report = processed(site, "x")
    assert report is not None and "`id`" in report and str(MAX_SLUG) in report, report
    assert sorted(p.name for p in (site / "content" / "pledges").iterdir()) == ["p1.yml", "p2.yml"]


# --- property tests: at and around each limit, one verdict ------------------------------


@pytest.fixture(scope="module")
def processor(tmp_path_factory) -> Processor:
    """A processor of the small call, for ``Processor.check`` (which writes nothing)."""
    return Processor(submissions_site(tmp_path_factory.mktemp("limits"), MINIMAL), BUILD_DAY)


def content_verdict(folder: str, stem: str, text: str) -> list[ContentError]:
    """The errors ``check`` and the build give one file: both read it so (reading.read_file)."""
    kind = KINDS[folder]
    path = Path("content") / folder / f"{stem}{kind.suffix}"
    try:
        doc, body = parse_text(path, text, kind.markdown)
        build_item(kind, path, doc, body)
    except ContentErrors as exc:
        return exc.errors
    return []


def process_verdict(processor: Processor, kind: str, data: dict) -> list[ContentError]:
    envelope = Envelope.model_validate(
        {"id": "form-1", "type": kind, "submitted_at": WHEN, "source": "form", "data": data}
    )
    try:
        processor.check(envelope)
    except ContentErrors as exc:
        return exc.errors
    return []


def fields(errors: list[ContentError]) -> set[str]:
    return {(e.field or "").split(" ")[0] for e in errors}


def around(limit: Decimal, step: Decimal) -> st.SearchStrategy[Decimal]:
    """Values at, just below and just above ``limit``, and anywhere from one step to
    a thousand times it, in steps of ``step``."""
    exact = st.sampled_from([limit - step, limit, limit + step, limit + 1, limit * 10])
    scale = int(1 / step)
    top = int(limit * scale)
    below = st.integers(1, top).map(lambda n: Decimal(n) / scale)
    above = st.integers(top + 1, top * 1000).map(lambda n: Decimal(n) / scale)
    return st.one_of(exact, below, above)


def shown_exactly(value: Decimal) -> None:
    """Every output shows ``value``: Babel's money and numbers, exact JSON, and a double
    (a JSON reader's float) that prints back the same digits."""
    assert format_money(value, "EUR", "fr")
    assert format_money(value, "EUR", "en", cents=False)
    assert format_number(value, "fr")
    text = number_text(value)
    assert Decimal(repr(float(text))) == value, text


@settings(max_examples=300, deadline=None)
@given(amount=around(MAX_AMOUNT, Decimal("0.01")))
def test_amounts_check_build_and_process_agree(processor, amount):
    text = f"{amount:.2f}" if amount != amount.to_integral_value() else str(int(amount))
    content = fields(content_verdict("pledges", "p9", pledge_file(money=text)))
    data = {"actor": "asso", "common": "covoit", "money": {"amount": text}}
    submitted = fields(process_verdict(processor, "pledge", data))
    refused = amount > MAX_AMOUNT
    assert content == submitted == ({"money.amount"} if refused else set())
    if not refused:
        shown_exactly(amount)


@settings(max_examples=300, deadline=None)
@given(days=around(MAX_DAYS, Decimal("0.1")))
def test_days_check_build_and_process_agree(processor, days):
    text = str(int(days)) if days == days.to_integral_value() else f"{days:.1f}"
    content = fields(content_verdict("pledges", "p9", pledge_file(skills=text)))
    data = {"actor": "asso", "common": "covoit", "skills": {"days": text, "description": "x"}}
    submitted = fields(process_verdict(processor, "pledge", data))
    refused = days > MAX_DAYS
    assert content == submitted == ({"skills.days"} if refused else set())
    if not refused:
        shown_exactly(days)


slugs = st.integers(MAX_SLUG - 3, MAX_SLUG + 3).flatmap(
    lambda n: st.text("abcxyz019", min_size=n, max_size=n).map(lambda s: "v" + s[1:])
)


@settings(max_examples=200, deadline=None)
@given(slug=slugs)
def test_slugs_check_build_and_process_agree(processor, slug):
    content = fields(content_verdict("commons", slug, common_file()))
    submitted = fields(process_verdict(processor, "propose-common", {**PROPOSAL, "slug": slug}))
    refused = len(slug) > MAX_SLUG
    assert content == submitted == ({"slug"} if refused else set())


@pytest.mark.parametrize("over", [False, True], ids=["at-the-limit", "one-step-above"])
def test_real_runs_at_the_exact_boundaries(make_content, tmp_path, over):
    """A call holding every limit exactly builds, is checked clean and accepts the same
    values submitted; one step above, all three refuse them, on the same fields."""
    amount = MAX_AMOUNT + Decimal("0.01") if over else MAX_AMOUNT
    days = MAX_DAYS + Decimal("0.1") if over else MAX_DAYS
    slug = "v" * (MAX_SLUG + 1 if over else MAX_SLUG)
    ratio = MAX_RATIO + Decimal("0.0001") if over else MAX_RATIO
    files = {
        "pledges/p1.yml": pledge_file(money=str(amount)),
        "pledges/p2.yml": pledge_file(skills=str(days)),
        f"commons/{slug}.md": MINIMAL["commons/covoit.md"],
        "campaign.yml": f"allow_overfunding: true\nmatching:\n  funder: ville\n"
        f'  pool: "{amount}"\n  method: quadratic\n  ratio: "{ratio}"\n',
    }
    content = make_content(files)
    expected = {
        ("pledges/p1.yml", "money.amount"),
        ("pledges/p2.yml", "skills.days"),
        (f"commons/{slug}.md", "slug"),
        ("campaign.yml", "matching.pool"),
        ("campaign.yml", "matching.ratio"),
    }
    for errors in (checked(content), built(content, tmp_path / "out")):
        found = {(Path(e.path).relative_to(content).as_posix(), e.field) for e in errors}
        assert found == (expected if over else set()), [str(e) for e in errors]
    if not over:
        page = (tmp_path / "out" / "communs" / "covoit" / "index.html").read_text()
        assert "1\u202f000\u202f000\u202f000\u202f000,00\u00a0€" in page
        assert "1\u202f000\u202f000 jours" in page
        assert (tmp_path / "out" / "feeds" / "communs" / f"{slug}.atom.xml").is_file()

    site = submissions_site(tmp_path, make_content())
    put(site, "form-1", "pledge", {"actor": "asso", "common": "covoit",
                                   "money": {"amount": str(amount)}})  # fmt: skip
    put(site, "form-2", "pledge", {"actor": "asso", "common": "covoit",
                                   "skills": {"days": str(days), "description": "x"}})  # fmt: skip
    put(site, "form-3", "propose-common", {**PROPOSAL, "slug": slug})
    reports = [processed(site, ident) for ident in ("form-1", "form-2", "form-3")]
    if over:
        for report, field in zip(reports, ("money.amount", "skills.days", "slug"), strict=True):
            assert report is not None and f"`{field}" in report, report
    else:
        assert reports == [None, None, None]


# --- identifiers that the importers and slugify make ------------------------------------


def test_slugify_and_the_importers_make_ids_within_the_limit():
    from appel_a_communs.submissions import mediawiki, publiccode
    from appel_a_communs.submissions.fetch import envelope_from_record

    assert len(slugify("word " * 100, size=1000)) <= MAX_SLUG
    host = "wiki." + "tres-long-" * 30 + ".example.org"
    ids = {mediawiki.envelope_id(host, 10**40), mediawiki.envelope_id(host, 10**40 + 1)}
    url = "https://example.org/" + "projet/" * 50
    ids |= {publiccode.envelope_id({"url": url}), publiccode.envelope_id({"url": url + "x"})}
    assert len(ids) == 4, ids  # none merges two submissions
    ids.add(envelope_from_record({"id": "a" * 300, "type": "join"})["id"])
    for ident in ids:
        Envelope.model_validate(
            {"id": ident, "type": "join", "submitted_at": WHEN, "source": "file", "data": {}}
        )
    # stable: the same submission gives the same id on every run, and ids that fit stay
    # what they were (fetch finds a submission it stored again by its id)
    assert mediawiki.envelope_id(host, 10**40) in ids
    assert envelope_from_record({"id": "a" * 300, "type": "join"})["id"] == "form-" + "a" * 60
    assert mediawiki.envelope_id("fr.wikipedia.org", 42) == "file-mediawiki-fr-wikipedia-org-42"
    assert envelope_from_record({"id": "abc123", "type": "join"})["id"] == "form-abc123"


# --- the forms carry the limits ----------------------------------------------------------


def test_the_forms_carry_the_limits(make_content, tmp_path):
    common_fields = {f.id: f for f in FORMS["propose-common"][1]}
    assert html_attributes(Common, common_fields["slug"])["maxlength"] == str(MAX_SLUG)
    pledge_model, pledge_fields = FORMS["pledge"]
    by_id = {f.id: f for f in pledge_fields}
    amount = html_attributes(pledge_model, by_id["money_amount"])
    days = html_attributes(pledge_model, by_id["skills_days"])
    assert amount["maxlength"] == str(len("1000000000000.00"))
    assert days["maxlength"] == str(len("1000000.0"))
    site = build_site(make_content(), tmp_path / "out")
    page = (site / "contribuer" / "proposer-un-commun" / "index.html").read_text()
    assert 'name="slug"' in page and f'maxlength="{MAX_SLUG}"' in page


# --- texts: the characters XML cannot carry, the same verdict wherever a text arrives ---

BAD = [
    pytest.param("\x01", "U+0001", id="C0"),
    pytest.param("\ufffe", "U+FFFE", id="FFFE"),
    pytest.param("\uffff", "U+FFFF", id="FFFF"),
]


def escaped(char: str) -> str:
    return f"\\u{ord(char):04X}"


@pytest.mark.parametrize(("char", "code"), BAD)
@pytest.mark.parametrize("raw", [False, True], ids=["escaped", "raw"])
def test_a_character_xml_cannot_carry_is_refused_on_the_field_wherever_it_arrives(
    make_content, tmp_path, char, code, raw
):
    written = char if raw else escaped(char)
    quote = "" if raw else '"'
    content = make_content(
        {
            "challenges/mobilite.md": MINIMAL["challenges/mobilite.md"].replace(
                "title: Mobilité rurale", f"title: {quote}Mobilité{written} rurale{quote}"
            ),
            "actors/asso.yml": f"name: {quote}Association{written} Roule{quote}\nkind: other\n",
            "commons/covoit.md": MINIMAL["commons/covoit.md"].replace(
                "Le commun.", f"Le commun{char}."
            ),
            "pages/a-propos.md": MINIMAL["pages/a-propos.md"].replace(
                "title: À propos", f"title: {quote}À propos{written}{quote}"
            ),
        }
    )
    for errors in (checked(content), built(content, tmp_path / "out")):
        title = about(errors, "challenges/mobilite.md", "title")
        name = about(errors, "actors/asso.yml", "name")
        body = about(errors, "commons/covoit.md", "body")
        page = about(errors, "pages/a-propos.md", "title")
        assert title and name and body and page, [str(e) for e in errors]
        messages = {e.message for e in (*title, *name, *body, *page)}
        assert len(messages) == 1, messages
        (message,) = messages
        assert code in message and "remove it" in message


def test_a_page_body_follows_the_text_rule(make_content, tmp_path):
    content = make_content(
        {"pages/a-propos.md": MINIMAL["pages/a-propos.md"].replace("Un appel", "Un\x02 appel")}
    )
    for errors in (checked(content), built(content, tmp_path / "out")):
        assert about(errors, "pages/a-propos.md", "body"), [str(e) for e in errors]


REPORT = """---
common: covoit
date: 2026-10-01
title: Premier bilan
---
Tout va bien.
"""


@pytest.mark.parametrize(
    "name",
    ["pages/a-propos.md", "challenges/mobilite.md", "commons/covoit.md", "reports/covoit-1.md"],
)
@pytest.mark.parametrize("char", ["\x02", "\ufffe", "\u2028"])
def test_a_character_refused_in_a_markdown_body_is_named_on_its_line(
    make_content, tmp_path, name, char
):
    """As a YAML error is: the line of the file where the character is, not the body's."""
    text = textwrap.dedent(MINIMAL.get(name, REPORT)).lstrip("\n")
    text = text.rstrip("\n") + f"\n\nUne ligne\n\nLa fautive{char} est là.\n\nFin.\n"
    line = text[: text.index(char)].count("\n") + 1
    content = make_content({name: text})
    for errors in (checked(content), built(content, tmp_path / "out")):
        found = about(errors, name, "body")
        assert found and found[0].line == line, [str(e) for e in errors]
        assert f"{name}:{line}: body:" in str(found[0])


@pytest.mark.parametrize(
    ("kind", "data", "field", "words"),
    [
        ("register-actor", {"name": "Club", "slug": "club", "description": "a\u2028b"},
         "description", "U+2028"),
        ("propose-challenge", {"title": "Défi", "summary": "S", "body": "a\u2028b"},
         "body", "U+2028"),
        ("register-actor", {"name": "Cl\u2029ub", "slug": "club"}, "name", "U+2029"),
        ("register-actor", {"name": "Cl\x85ub", "slug": "club"}, "name", "U+0085"),
        ("register-actor", {"name": "Cl\ufffeub", "slug": "club"}, "name", "U+FFFE"),
        ("register-actor", {"name": "Club", "slug": "club", "territory": "Val\uffff"},
         "territory", "U+FFFF"),
    ],
)  # fmt: skip
def test_a_submitted_text_is_refused_on_its_field(make_content, tmp_path, kind, data, field,
                                                  words):  # fmt: skip
    site = submissions_site(tmp_path, make_content(), "en")  # its reports in English
    put(site, "form-1", kind, data)
    report = processed(site, "form-1")
    assert report is not None, "accepted"
    lines = [line for line in report.splitlines() if line.startswith("- `")]
    assert len(lines) == 1 and lines[0].startswith(f"- `{field}") and words in lines[0], report
    assert "(envelope)" not in report


def test_a_character_a_yaml_envelope_cannot_hold_is_named_on_its_field(make_content, tmp_path):
    site = submissions_site(tmp_path, make_content())
    (site / "submissions" / "inbox" / "form-1.yml").write_text(
        f"id: form-1\ntype: register-actor\nsubmitted_at: '{WHEN}'\nsource: form\n"
        "data:\n  name: Club\n  description: a\u2028b\n",
        encoding="utf-8",
    )
    report = processed(site, "form-1")
    assert report is not None and "- `description`" in report and "U+2028" in report, report


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("title: Mobilité\u2028rurale", "line separator (U+2028)"),
        ("title: Mobilité\x07 rurale", "U+0007"),
    ],
)
def test_yaml_refusals_of_a_character_name_the_field(make_content, tmp_path, text, words):
    content = make_content(
        {
            "challenges/mobilite.md": MINIMAL["challenges/mobilite.md"].replace(
                "title: Mobilité rurale", text
            )
        }
    )
    errors = about(checked(content), "challenges/mobilite.md", "title")
    assert errors and words in errors[0].message and errors[0].line == 2


# --- the forms' and schemas' patterns hold the maximum; the model says why --------------

FORM_NUMBERS = [
    ("pledge", "money_amount", MAX_AMOUNT, 2),
    ("pledge", "means_value", MAX_AMOUNT, 2),
    ("pledge", "skills_days", MAX_DAYS, 1),
    ("register-actor", "allowance", MAX_AMOUNT, 2),
    ("propose-common", "existing_funding", MAX_AMOUNT, 2),
]


def decimal_texts(most: Decimal, places: int) -> st.SearchStrategy[str]:
    """Texts of the models' shape (no leading zero, at most ``places`` decimals) around
    ``most``, written with any number of decimals up to ``places``."""
    step = Decimal(1).scaleb(-places)
    return st.tuples(around(most, step), st.integers(0, places)).map(
        lambda pair: (
            f"{pair[0]:.{places}f}"
            if pair[0] != pair[0].quantize(Decimal(1).scaleb(-pair[1]))
            else f"{pair[0]:.{pair[1]}f}"
        )
    )


@pytest.mark.parametrize(("kind", "field_id", "most", "places"), FORM_NUMBERS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_form_pattern_accepts_what_the_model_accepts(kind, field_id, most, places, data):
    model, form_fields = FORMS[kind]
    attributes = html_attributes(model, {f.id: f for f in form_fields}[field_id])
    pattern = re.compile(attributes["pattern"])  # an HTML pattern matches the whole value
    text = data.draw(decimal_texts(most, places))
    accepted = Decimal(text) <= most
    assert bool(pattern.fullmatch(text)) == accepted, (attributes["pattern"], text)
    if accepted:
        assert len(text) <= int(attributes["maxlength"])


def test_an_amount_beyond_the_maximum_fails_the_form_and_the_model_says_why():
    model, form_fields = FORMS["pledge"]
    by_id = {f.id: f for f in form_fields}
    for field_id in ("money_amount", "money_total_at_least"):
        attributes = html_attributes(model, by_id[field_id])
        assert not re.fullmatch(attributes["pattern"], "9999999999999.99"), field_id
        assert re.fullmatch(attributes["pattern"], "1000000000000.00"), field_id
        assert attributes["maxlength"] == str(len("1000000000000.00")), field_id
    total = html_attributes(model, by_id["money_total_at_least"])
    assert re.fullmatch(total["pattern"], "minimum") and re.fullmatch(total["pattern"], "stretch")
    with pytest.raises(ValueError, match="the largest amount allowed"):
        parse_amount("9999999999999.99")


@pytest.mark.parametrize(
    ("kind", "most", "places"),
    [(Amount, MAX_AMOUNT, 2), (Days, MAX_DAYS, 1), (Ratio, MAX_RATIO, 4), (Share, 1, 4)],
    ids=["amount", "days", "ratio", "share"],
)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_schema_pattern_accepts_what_the_model_accepts(kind, most, places, data):
    schema = TypeAdapter(kind).json_schema()
    string = next(s for s in schema["anyOf"] if s["type"] == "string")
    text = data.draw(decimal_texts(Decimal(most), places))
    accepted = Decimal(text) <= most
    assert bool(re.search(string["pattern"], text)) == accepted, (string["pattern"], text)
    if accepted:
        assert len(text) <= string["maxLength"]


def test_url_inputs_carry_the_models_length():
    for kind, (model, form_fields) in FORMS.items():
        for form_field in form_fields:
            attributes = html_attributes(model, form_field)
            if attributes.get("type") == "url":
                assert attributes["maxlength"] == str(MAX_URL), (kind, form_field.id)
    with pytest.raises(ValueError, match="too long"):
        check_url("https://e.org/" + "a" * (MAX_URL - len("https://e.org/") + 1))
    assert check_url("https://e.org/" + "a" * (MAX_URL - len("https://e.org/")))


def test_the_built_forms_carry_the_bounded_patterns(make_content, tmp_path):
    site = build_site(make_content(), tmp_path / "out")
    page = (site / "contribuer" / "proposer-un-commun" / "index.html").read_text()
    model, form_fields = FORMS["propose-common"]
    funding = html_attributes(model, {f.id: f for f in form_fields}["existing_funding"])
    assert f'pattern="{html.escape(funding["pattern"])}"' in page
    assert not re.fullmatch(funding["pattern"], "9999999999999.99")
