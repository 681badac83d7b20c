"""One build's view of the call, kept out of the cycle collector's way while it lives; and
the one line that says what a build built, or a check checked, in the site's language."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from appel_a_communs.content.cache import cycle_collection_paused
from appel_a_communs.content.reading import MAX_FILE_SIZE


def load_for_build(
    content: Path,
    today: date,
    cache: Path | None,
    locale: str,
    processes: int,
    max_file_size: int = MAX_FILE_SIZE,
) -> Any:
    """The computed view of the call, frozen for as long as the build runs.

    Frozen, the cycle collector need not walk its hundreds of thousands of objects again
    while pages render (a third of the engine's time at 50 000 pledges, and memory pages
    copied into every worker). ``end_build`` gives it back. Raises ContentErrors."""
    from appel_a_communs.content.errors import ContentErrors
    from appel_a_communs.site.view import load_call

    gc.unfreeze()  # a build of this process that failed while writing kept its view
    gc.collect()  # cheap before loading; what is frozen below stays out of reach
    try:
        with cycle_collection_paused(freeze=True):
            return load_call(content, today, cache, locale, processes, max_file_size)
    except ContentErrors:
        gc.unfreeze()  # the build stops here: nothing to keep
        raise


def end_build() -> None:
    """The build is over: its view may be collected like anything else (autoreload)."""
    gc.unfreeze()


@dataclass(frozen=True)
class CallCounts:
    """What a call holds, for the one line that ends a build or a check."""

    challenges: int
    commons: int
    actors: int
    pledges: int
    rounds: int


def call_counts(catalogue: Any) -> CallCounts:
    """The counts of a loaded catalogue (``campaign.yml`` is a call of one round)."""
    return CallCounts(
        len(catalogue.challenges),
        len(catalogue.commons),
        len(catalogue.actors),
        len(catalogue.pledges),
        len(catalogue.round_list),
    )


def file_counts(content: Path) -> CallCounts:
    """The counts of a call that did not load (a check that found errors): its files, as
    the loader lists them."""
    from appel_a_communs.content.folders import kind_files
    from appel_a_communs.content.kinds import CAMPAIGN_FILE, KINDS

    def files(folder: str) -> int:
        kind = KINDS[folder]
        return len(kind_files(content / folder, kind.suffixes)[0])

    rounds = files("rounds") or int((content / CAMPAIGN_FILE).is_file())
    return CallCounts(files("challenges"), files("commons"), files("actors"), files("pledges"),
                      rounds)  # fmt: skip


def _counted(counts: CallCounts, catalogue: Any) -> list[str]:
    n = counts
    return [
        catalogue.ngettext("%(num)d challenge", "%(num)d challenges", n.challenges)
        % {"num": n.challenges},
        catalogue.ngettext("%(num)d common", "%(num)d commons", n.commons) % {"num": n.commons},
        catalogue.ngettext("%(num)d actor", "%(num)d actors", n.actors) % {"num": n.actors},
        catalogue.ngettext("%(num)d pledge", "%(num)d pledges", n.pledges) % {"num": n.pledges},
        catalogue.ngettext("%(num)d round", "%(num)d rounds", n.rounds) % {"num": n.rounds},
    ]


def build_summary(counts: CallCounts, pages: int, data_files: int, locale: str) -> str:
    """The line that ends a build, in the site's language: what it built."""
    from appel_a_communs.i18n import translations

    catalogue = translations(locale)
    parts = [
        *_counted(counts, catalogue),
        catalogue.ngettext("%(num)d page", "%(num)d pages", pages) % {"num": pages},
        catalogue.ngettext("%(num)d data file", "%(num)d data files", data_files)
        % {"num": data_files},
    ]
    return catalogue.gettext("Appel à communs: %(built)s.") % {"built": ", ".join(parts)}


def check_summary(counts: CallCounts, errors: int, locale: str) -> str:
    """The line that ends ``check``, in the site's language: what it checked and how many
    errors it found."""
    from appel_a_communs.i18n import translations

    catalogue = translations(locale)
    found = (
        catalogue.ngettext("%(num)d error", "%(num)d errors", errors) % {"num": errors}
        if errors
        else catalogue.gettext("no error")
    )
    return catalogue.gettext("Appel à communs: checked %(checked)s; %(errors)s.") % {
        "checked": ", ".join(_counted(counts, catalogue)),
        "errors": found,
    }
