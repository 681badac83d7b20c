"""Read a content folder into a checked ``Catalogue``, reporting every error of every file
at once: list each kind's folder (``folders``), take unchanged files from the cache and
read the others, in processes when they are many (``cache``, ``reading``), then check the
whole (``checks``). The one entry point of the build, ``check`` and the submission
processor; each step's rules live in its own module."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from appel_a_communs.content.cache import ModelCache, cycle_collection_paused
from appel_a_communs.content.catalogue import Catalogue
from appel_a_communs.content.checks import (
    check_evaluations,
    check_references,
    check_rounds,
    valid_part,
)
from appel_a_communs.content.compact import compact
from appel_a_communs.content.errors import ContentError, ContentErrors, display_path, site_of
from appel_a_communs.content.folders import kind_files, odd_files
from appel_a_communs.content.kinds import CAMPAIGN_FILE, CAMPAIGN_ROUND, KINDS
from appel_a_communs.content.models import Campaign, Model
from appel_a_communs.content.reading import MAX_FILE_SIZE, build_model, parse_document, read_files
from appel_a_communs.i18n import M_
from appel_a_communs.parallel import map_shares

# Below this many files to read, a folder is read in one process: forking costs more.
PARALLEL_FROM = 2_000


def _read_folder(
    content: Path,
    name: str,
    errors: list[ContentError],
    broken: set[str],
    cache: ModelCache,
    processes: int,
    max_size: int = MAX_FILE_SIZE,
) -> Iterator[tuple[Path, Model]]:
    """Valid items of a folder, in file order; the ids of invalid files go to ``broken``.
    Files the cache does not hold are read in ``processes`` processes when they are many."""
    files, found = kind_files(content / name, KINDS[name].suffixes)
    errors.extend(found)
    known = [cache.get(path) for path in files]
    unread = [path for path, item in zip(files, known, strict=True) if item is None]
    if len(unread) < PARALLEL_FROM:
        processes = 1
    fresh = iter(map_shares(partial(read_files, name, max_size=max_size), unread, processes))
    for path, item in zip(files, known, strict=True):
        if item is None:
            item, file_errors, ids = next(fresh)
            errors.extend(file_errors)
            broken.update(ids)
            if item is None:
                continue
            cache.put(path, item)
        # a model read by a worker or kept by the cache comes unpickled: it shares its
        # field set and its short texts with the others again (content.compact)
        yield path, compact(item)


@dataclass(frozen=True)
class Loaded:
    """A content folder as read: every error of its files and of their references, and
    ``catalogue``, the whole call when there is none, else only its valid part
    (``checks.valid_part``), on which the round rules may still run without an error of
    their own caused by these."""

    catalogue: Catalogue
    errors: list[ContentError]


def load_catalogue(
    content: Path | str,
    cache_folder: Path | None = None,
    processes: int = 1,
    max_file_size: int = MAX_FILE_SIZE,
) -> Catalogue:
    """Load and cross-check a content folder; raises ContentErrors listing every problem.

    With ``cache_folder``, unchanged files are not read again (see ModelCache). With
    ``processes``, a folder of many files is read by that many processes (forks).
    """
    loaded = read_catalogue(content, cache_folder, processes, max_file_size)
    if loaded.errors:
        raise ContentErrors(loaded.errors)
    return loaded.catalogue


def read_catalogue(
    content: Path | str,
    cache_folder: Path | None = None,
    processes: int = 1,
    max_file_size: int = MAX_FILE_SIZE,
) -> Loaded:
    """As ``load_catalogue``, without raising: the errors, and the catalogue of what is
    valid, so that a build may check the round rules on it and report their errors with
    the files' own, in one pass (``site.view.load_call``). Raises ContentErrors only when
    there is no content folder at all."""
    with cycle_collection_paused():
        return _load_catalogue(Path(content), cache_folder, processes, max_file_size)


def _load_catalogue(
    content: Path, cache_folder: Path | None, processes: int, max_size: int
) -> Loaded:
    reuse = ModelCache(cache_folder)
    errors: list[ContentError] = []
    if not content.is_dir():
        raise ContentErrors([ContentError(str(content), None, M_("content folder not found"))])
    site = site_of(content)
    links = odd_files(content)
    errors.extend(links)

    collections: dict[str, dict[str, Model]] = {}
    sources: dict[tuple[str, str], Path] = {}
    broken: dict[str, set[str]] = {}
    for name, kind in KINDS.items():
        key = kind.key
        items: dict[str, Model] = {}
        broken[name] = set()
        found = _read_folder(content, name, errors, broken[name], reuse, processes, max_size)
        for path, item in found:
            ident = getattr(item, key)
            if ident in items:
                # which of the two files a reference meant is unknown: none is followed
                broken[name].add(ident)
                other = sources[(name, ident)]
                errors.append(
                    ContentError(
                        str(path),
                        key,
                        M_(
                            "'%(id)s' is already used by %(file)s",
                            id=ident,
                            file=display_path(other, site),
                        ),
                    )
                )
                continue
            items[ident] = item
            sources[(name, ident)] = path
        collections[name] = items

    campaign: Campaign | None = None
    campaign_path = content / CAMPAIGN_FILE
    if campaign_path.exists() and str(campaign_path) not in {e.path for e in links}:
        try:
            doc, _ = parse_document(campaign_path, markdown=False, max_size=max_size)
            campaign = build_model(Campaign, campaign_path, doc, {}, reserved=())
        except ContentErrors as exc:
            errors.extend(exc.errors)

    catalogue = Catalogue(
        challenges=collections["challenges"],  # type: ignore[arg-type]
        commons=collections["commons"],  # type: ignore[arg-type]
        actors=collections["actors"],  # type: ignore[arg-type]
        pledges=collections["pledges"],  # type: ignore[arg-type]
        campaign=campaign,  # type: ignore[arg-type]
        sources=sources,
        rounds=collections["rounds"],  # type: ignore[arg-type]
        reports=collections["reports"],  # type: ignore[arg-type]
        evaluations=collections["evaluations"],  # type: ignore[arg-type]
    )
    if campaign is not None:
        sources[("campaign", "campaign")] = campaign_path
        sources[("rounds", CAMPAIGN_ROUND)] = campaign_path
    both = campaign_path.exists() and bool(collections["rounds"] or broken["rounds"])
    if both:
        errors.append(
            ContentError(
                str(campaign_path),
                None,
                M_(
                    "a call has campaign.yml (one round) or rounds/ (one file per round), "
                    "not both: move this file to rounds/ and give it a name"
                ),
            )
        )
    if campaign_path.exists() and campaign is None and not both:
        # campaign.yml has errors of its own: a reference to its round is not one more
        broken["rounds"].add(CAMPAIGN_ROUND)
    round_errors = check_rounds(catalogue, partial(display_path, site=site))
    errors.extend(round_errors)
    errors.extend(check_references(catalogue, broken))
    if not (both or round_errors or broken["rounds"]):
        errors.extend(check_evaluations(catalogue, broken, partial(display_path, site=site)))
    if errors:
        rounds_known = not (both or round_errors or broken["rounds"])
        return Loaded(valid_part(catalogue, broken, rounds_known), errors)
    reuse.save()
    return Loaded(catalogue, [])
