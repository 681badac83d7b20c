"""One build's view of the call, kept out of the cycle collector's way while it lives."""

from __future__ import annotations

import gc
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
