"""Each catalogue template uses what its page context documents, and nothing else.

A template may use its context's fields, the layout's (``site.pages.LAYOUT``) and the
globals every template has (``site.pages.GLOBALS``); its context holds nothing it does
not show. The shared pieces (``_macros.html``, ``base.html``) use only the globals and
their arguments. So a template cannot reach into the whole view to decide something on
its own: what it shows was decided by the view, in one place.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from appel_a_communs.site.pages import GLOBALS, LAYOUT
from appel_a_communs.site.pages.kinds import CONTEXTS

TEMPLATES = Path(__file__).resolve().parent.parent / "theme" / "templates"


OWN = {"page": {"page"}}
"""Templates outside the catalogue's pages: Pelican's own pages (``page``). (The widget
card the build renders for each common, ``site.jobs.widget_jobs``, has its context in
``CONTEXTS``.)"""

PAGE_ONLY = {"jsonld", "page"}
"""What ``base.html`` and a few pages may find in some pages only (``is defined``): the
JSON-LD of a common's or a challenge's page, Pelican's own ``page``."""


SPECIAL = {"loop", "caller", "varargs", "kwargs", "self", "super"}
"""What Jinja itself defines in a template."""


def used(name: str) -> set[str]:
    """The names a template (and what it includes) reads that it does not define itself.
    A name it sets anywhere
    (``set``, ``for``, a macro's parameter, an import) counts as its own everywhere: a
    little lenient, never wrong the other way."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    source = (TEMPLATES / f"{name}.html").read_text(encoding="utf-8")
    tree = env.parse(source)
    names = list(tree.find_all(nodes.Name))
    own = {n.name for n in names if n.ctx in ("store", "param")}
    own |= {m.name for m in tree.find_all(nodes.Macro)}
    for found in tree.find_all(nodes.FromImport):
        own |= {item[1] if isinstance(item, tuple) else item for item in found.names}
    own |= {found.target for found in tree.find_all(nodes.Import)}
    found = {n.name for n in names if n.ctx == "load"} - own - SPECIAL
    for include in tree.find_all(nodes.Include):  # an included piece reads this context
        if isinstance(include.template, nodes.Const):
            piece = include.template.value
            found |= used(piece.removesuffix(".html")) if piece.endswith(".html") else set()
    return found


def templates() -> list[str]:
    return sorted(p.stem for p in TEMPLATES.glob("*.html"))


def mismatches(name: str, context: type) -> tuple[set[str], set[str]]:
    """What ``name``.html uses that ``context`` does not document, and what ``context``
    holds that the template never shows."""
    fields = {f.name for f in dataclasses.fields(context)}
    names = used(name)
    return names - fields - LAYOUT - GLOBALS - PAGE_ONLY, fields - names


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_a_template_uses_what_its_context_documents(name):
    undocumented, unshown = mismatches(name, CONTEXTS[name])
    assert not undocumented, f"{name}.html uses what {CONTEXTS[name].__name__} lacks"
    assert not unshown, f"{CONTEXTS[name].__name__} holds what {name}.html never shows"


def test_the_shared_pieces_use_only_the_globals():
    assert used("_macros") <= GLOBALS
    assert used("base") <= GLOBALS | LAYOUT | PAGE_ONLY


def test_the_form_pieces_use_what_both_form_pages_hold():
    """``_round_notice.html`` and ``_next_steps.html`` are included by ``forms.html`` and
    ``form.html``: each reads only fields both contexts hold, decided there."""
    forms, form = CONTEXTS["forms"], CONTEXTS["form"]
    both = {f.name for f in dataclasses.fields(forms)} & {f.name for f in dataclasses.fields(form)}
    for piece in ("_round_notice", "_next_steps"):
        assert used(piece) <= GLOBALS | both, piece


def test_every_template_is_accounted_for():
    """A new template gets a context (``site.pages.kinds.CONTEXTS``); none reads the whole
    view (``call``, which templates no longer receive)."""
    shared = {"_macros", "base", "_next_steps", "_round_notice"}
    known = set(CONTEXTS) | set(OWN) | shared
    assert set(templates()) <= known, set(templates()) - known
    assert not [name for name in templates() if "call" in used(name)]


@pytest.mark.parametrize("name", sorted(OWN))
def test_the_other_templates_use_what_they_are_given(name):
    assert used(name) <= OWN[name] | GLOBALS | PAGE_ONLY


def test_the_check_fails_both_ways():
    """The check above can fail: a context with a field its template never shows, and one
    without a field its template uses (the actor's page's context given to common.html)."""

    @dataclasses.dataclass(frozen=True)
    class Wider(CONTEXTS["common"]):  # type: ignore[misc, valid-type]
        never_shown: int = 0

    assert mismatches("common", Wider) == (set(), {"never_shown"})
    undocumented, _ = mismatches("common", CONTEXTS["actor"])
    assert {"common", "follow_up", "working_group"} <= undocumented


def test_a_page_made_later_is_indexed_as_its_context_says():
    """A page whose context is made where it is written says whether it is indexed from
    its context's class, as one made at once does (the sitemap and the page agree)."""
    from appel_a_communs.site.pages.rounds import EligibilityPage
    from appel_a_communs.site.urls import Page

    assert Page("x/", "common", lambda: None, CONTEXTS["common"]).indexed
    assert not Page("x/", "eligibility", lambda: None, EligibilityPage).indexed
    with pytest.raises(TypeError):
        Page("x/", "common", lambda: None)
