"""A sealed round: privacy is decided in the view, not in templates.

While the round is sealed, the view that templates and exports receive holds no
per-actor amount at all, so that a theme which forgets to hide one cannot show it: a
template that prints everything it is given finds none, while the commons' totals stay.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import types
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import BUILD_DAY, REPO, build_site, write
from jinja2 import pass_context
from pydantic import BaseModel

from appel_a_communs.site.view import load_call

OPEN = "opens: 2026-09-01\ncloses: 2027-03-31\nsealed: {sealed}\n"
CLOSED = "opens: 2026-09-01\ncloses: 2026-11-01\nsealed: true\n"
"""Closed before the build day (2026-11-26): its amounts are public again."""

FILES = {
    "actors/ville.yml": 'name: Ville de Valbrune\nkind: public-body\nallowance: "24680.24"\n',
    "actors/asso.yml": 'name: Association Roule\nkind: association\nallowance: "31415.92"\n',
    "pledges/p1.yml": "actor: ville\ncommon: covoit\ndate: 2026-10-01\n"
    'money:\n  amount: "1234.56"\n  status: confirmed\n'
    'means:\n  description: Salle municipale\n  value: "86.42"\n',
    "pledges/p2.yml": "actor: asso\ncommon: covoit\ndate: 2026-10-02\n"
    'skills:\n  days: "2.5"\n  description: Tests\n',
    "pledges/p3.yml": "actor: asso\ncommon: covoit\ndate: 2026-10-05\n"
    'money:\n  amount: "2345.67"\n  condition:\n    total_at_least: "1000"\n'
    'means:\n  description: Serveur\n  value: "7777"\n',
}

SECRETS = {
    "ville's money pledge, allocated and secured": "1234.56",
    "asso's money pledge, allocated and secured": "2345.67",
    "ville's means": "86.42",
    "asso's means": "7777",
    "ville's allowance": "24680.24",
    "asso's allowance": "31415.92",
    "ville's remaining allowance": "23445.68",
    "asso's remaining allowance": "29070.25",
}
"""Per-actor amounts of the call: none may be published while the round is sealed."""

PUBLIC = {
    "the common's secured money": "3580.23",
    "the common's technical means": "7863.42",
    "the call's declared allowances": "56096.16",
}
"""Totals that stay public while sealed (SPEC: only per-actor amounts are hidden)."""

SEPARATORS = "[ \u00a0\u202f.,'’]"


def digits(amount: str) -> re.Pattern[str]:
    """An amount in any formatting: 1234.56, 1234,56, 1 234,56 (any space), 1,234.56,
    and 7777 as 7777, 7 777 or 7 777,00. Digits on either side make another number."""
    whole, _, cents = amount.partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    pattern = "".join([re.escape(whole), *(f"{SEPARATORS}?{g}" for g in groups)])
    if cents:
        pattern += f"[.,]{cents}"
    return re.compile(rf"(?<![0-9]){pattern}(?![0-9])")


def published(site: Path) -> dict[str, str]:
    """Every page, data file, feed and badge of a built site, by path."""
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in site.rglob("*")
        if p.suffix in (".html", ".json", ".csv", ".xml", ".svg", ".txt")
        and "theme" not in p.relative_to(site).parts
    }


def leaks(site: Path) -> list[tuple[str, str, str]]:
    """(file, which amount, what was found) for every per-actor amount in the output."""
    found = []
    for name, text in published(site).items():
        for what, amount in SECRETS.items():
            for match in digits(amount).finditer(text):
                found.append((name, what, text[max(0, match.start() - 60) : match.end() + 20]))
    return found


# --- a template that prints every attribute it is given ---------------------------------

LEAVES = (str, bytes, int, float, Decimal, date, type(None), Path)
DEPTH = 14


def walk(value, out: list[str], seen: set[int], depth: int = 0) -> None:
    """Every value reachable from ``value``: dataclass fields, pydantic fields, mapping
    keys and values, items, and any other attribute that is not a callable (private
    ones too: a Jinja template may read them), to a bounded depth."""
    if isinstance(value, LEAVES):
        out.append(str(value))
        return
    if depth > DEPTH or id(value) in seen or isinstance(value, (type, types.ModuleType)):
        return
    seen.add(id(value))
    if isinstance(value, Mapping):
        for key, item in list(value.items()):
            walk(key, out, seen, depth + 1)
            walk(item, out, seen, depth + 1)
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        for item in list(value):
            walk(item, out, seen, depth + 1)
        return
    names: list[str] = []
    if dataclasses.is_dataclass(value):
        names += [f.name for f in dataclasses.fields(value)]
    if isinstance(value, BaseModel):
        names += list(type(value).model_fields)
    names += [
        n
        for n in dir(value)
        if not n.startswith("__") and not (isinstance(value, BaseModel) and n.startswith("model_"))
    ]
    for name in dict.fromkeys(names):
        try:
            attribute = getattr(value, name)
        except Exception:  # a property that cannot be read here cannot be read by a page
            continue
        if callable(attribute) and not isinstance(attribute, (Mapping, BaseModel)):
            continue
        out.append(name)
        walk(attribute, out, seen, depth + 1)


@pass_context
def dump_everything(context) -> str:
    """Every variable of the template's context, walked (``call``, ``funding``, ``common``,
    ``actor``... and Pelican's own)."""
    out: list[str] = []
    seen: set[int] = set()
    for name, value in sorted(context.get_all().items()):
        out.append(f"== {name}")
        walk(value, out, seen)
    return "\n".join(out)


DUMPED = tuple(
    path.name
    for path in sorted((REPO / "theme" / "templates").glob("*.html"))
    if not path.name.startswith("_") and path.name not in ("base.html", "page.html")
)
"""Every catalogue template, widget included: each page's context is made where the page
is written, so each is dumped whole."""


def dump_site(make_content, tmp_path: Path, campaign: str, name: str) -> Path:
    templates = tmp_path / "templates"
    for template in DUMPED:
        write(templates / template, "<!doctype html>\n<pre>{{ dump_everything() }}</pre>\n")
    # a round of rounds/: its pages (the rounds' index, its engagement page) are dumped too
    content = make_content({**FILES, "rounds/edition.yml": campaign})
    return build_site(
        content,
        tmp_path / name,
        THEME_TEMPLATES_OVERRIDES=[str(templates)],
        JINJA_GLOBALS={"dump_everything": dump_everything},
    )


def test_a_template_that_prints_everything_it_is_given_shows_no_sealed_amount(
    make_content, tmp_path
):
    site = dump_site(make_content, tmp_path, OPEN.format(sealed="true"), "sealed")
    assert leaks(site) == []
    common = (site / "communs/covoit/index.html").read_text()
    # The dump walked the pledges themselves (their ids, their means, their status)...
    assert "p1" in common and "p3" in common and "Serveur" in common and "confirmed" in common
    assert "== funding" in common and "== pledges" in common
    # ...and the public totals are there: the common's on its page, the call's on the
    # funding page (each page receives only what it shows).
    funding = (site / "financement/index.html").read_text()
    for what, amount in PUBLIC.items():
        assert digits(amount).search(funding if "call's" in what else common), what


def test_the_same_dump_shows_every_amount_when_the_round_is_not_sealed(make_content, tmp_path):
    """The walker does reach the amounts: without sealing, each of them is printed by the
    pages that show it (each page receives only its own context: the common's page its
    pledges, an actor's page that actor's figures)."""
    site = dump_site(make_content, tmp_path, OPEN.format(sealed="false"), "open")
    pages = [site / "communs/covoit/index.html", site / "acteurs/asso/index.html",
             site / "acteurs/ville/index.html", site / "financement/index.html",
             site / "tours/edition/engagement/index.html"]  # fmt: skip
    texts = {page: page.read_text() for page in pages}
    for what, amount in SECRETS.items():
        assert any(digits(amount).search(text) for text in texts.values()), what
    common = texts[pages[0]]
    for what in ("ville's money pledge, allocated and secured", "asso's means"):
        assert digits(SECRETS[what]).search(common), what
    for actor in ("ville", "asso"):
        actor_page = texts[site / f"acteurs/{actor}/index.html"]
        assert digits(SECRETS[f"{actor}'s remaining allowance"]).search(actor_page), actor


@pytest.fixture
def sealed_site(make_content, tmp_path) -> Path:
    return build_site(make_content({**FILES, "campaign.yml": OPEN.format(sealed="true")}),
                      tmp_path / "out")  # fmt: skip


def test_sealed_pages_show_sealed_amount_where_amounts_would_be(sealed_site):
    assert leaks(sealed_site) == []
    common = (sealed_site / "communs/covoit/index.html").read_text()
    assert common.count("<strong>Montant scellé</strong>") == 2  # the two money pledges
    assert (
        "Moyens&nbsp;: Serveur</li>" in common and "Moyens&nbsp;: Salle municipale</li>" in common
    )
    assert digits(PUBLIC["the common's secured money"]).search(common)
    assert digits(PUBLIC["the common's technical means"]).search(common)
    actor = (sealed_site / "acteurs/asso/index.html").read_text()
    assert actor.count("<strong>Montant scellé</strong>") == 1
    assert "Montants scellés jusqu’à la clôture de la campagne." in actor
    funding = (sealed_site / "financement/index.html").read_text()
    table = funding.split('id="engagement-caption"', 1)[1].split("</table>", 1)[0]
    sealed = '<td class="num" data-label="{}">Montant scellé</td>'
    assert table.count(sealed.format("Argent engagé")) == 2  # money
    assert table.count(sealed.format("Moyens valorisés")) == 2  # and means
    assert digits(PUBLIC["the call's declared allowances"]).search(funding)
    feed = (sealed_site / "feeds/engagements.atom.xml").read_text()
    assert feed.count("Montant scellé") == 2


def test_sealed_data_files_leave_per_actor_amounts_empty(sealed_site):
    rows = list(csv.DictReader((sealed_site / "data/pledges.csv").open(encoding="utf-8")))
    assert {r["id"]: (r["amount"], r["means_value"]) for r in rows} == {
        "p1": ("", ""), "p2": ("", ""), "p3": ("", "")}  # fmt: skip
    assert {r["money_status"] for r in rows} == {"confirmed", "pledged", ""}
    actors = json.loads((sealed_site / "data/actors.json").read_text())
    for actor in actors:
        for key in ("allowance", "allocated", "remaining", "secured", "means_value"):
            assert actor[key] is None, (actor["slug"], key)
    common = json.loads((sealed_site / "data/commons/covoit.json").read_text())
    assert common["funding"]["secured"] == "3580.23"
    assert common["funding"]["means_value"] == "7863.42"
    assert all(p["amount"] is None and p["means_value"] is None for p in common["pledges"])


def test_the_view_itself_holds_no_per_actor_amount_while_sealed(make_content):
    content = make_content({**FILES, "campaign.yml": OPEN.format(sealed="true")})
    view = load_call(content, BUILD_DAY)
    assert view.sealed and view.flow_chart is None
    pledges = [*view.catalogue.pledges.values(),
               *(p for ps in view.pledges_by_common.values() for p in ps),
               *(p for ps in view.pledges_by_actor.values() for p in ps)]  # fmt: skip
    assert all(p.money.amount is None for p in pledges if p.money)
    assert all(p.means.value is None for p in pledges if p.means)
    assert all(a.allowance is None for a in view.catalogue.actors.values())
    for funding in view.funding.actors.values():
        assert funding.allowance is funding.allocated is funding.remaining is None
        assert funding.secured is funding.means_value is None
    assert view.funding.actors["asso"].roles == {"covoit": ("contributor", "funder")}
    # The funding was computed from the real amounts: the conditional pledge counts.
    common = view.funding.commons["covoit"]
    assert common.secured == Decimal("3580.23") and common.counted == {"p1", "p3"}
    assert view.funding.totals.allocated == Decimal("3580.23")
    assert view.funding.totals.allowances == Decimal("56096.16")


def test_amounts_are_back_once_the_sealed_round_has_closed(make_content, tmp_path):
    site = build_site(make_content({**FILES, "campaign.yml": CLOSED}), tmp_path / "out")
    text = "\n".join(published(site).values())
    assert "Montant scellé" not in text
    for what, amount in SECRETS.items():
        assert digits(amount).search(text), what
    common = (site / "communs/covoit/index.html").read_text()
    assert "<strong>1\u202f234,56\u00a0€</strong>" in common
    assert "(valorisés 7\u202f777,00\u00a0€)" in common
    actor = (site / "acteurs/asso/index.html").read_text()
    assert "Enveloppe" in actor and "31\u202f415,92\u00a0€" in actor
    rows = {r["id"]: r for r in csv.DictReader((site / "data/pledges.csv").open())}
    assert rows["p1"]["amount"] == "1234.56" and rows["p3"]["means_value"] == "7777.00"
    actors = {a["slug"]: a for a in json.loads((site / "data/actors.json").read_text())}
    assert actors["asso"]["allocated"] == "2345.67" and actors["ville"]["remaining"] == "23445.68"
    assert "2\u202f346\u00a0€" not in text  # cents kept: never rounded in a feed either
    assert "2\u202f345,67\u00a0€" in (site / "feeds/engagements.atom.xml").read_text()
