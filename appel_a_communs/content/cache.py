"""Loading again cheaply: the models of unchanged files kept between builds (``ModelCache``),
and the cycle collector kept off the objects a load makes (``cycle_collection_paused``)."""

from __future__ import annotations

import gc
import hashlib
import pickle
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from appel_a_communs.content.models import Model


class ModelCache:
    """Validated models of unchanged files, kept between builds (Pelican's content cache).

    A file is reused when its size and modification time are those it had when it was
    validated, and the code of the models is the same; invalid files are never cached.
    Entries are spread over ``SHARDS`` files by path, so that one changed pledge rewrites
    one small shard, not the models of the whole call.
    """

    SHARDS = 64
    Entry = tuple[int, int, Model]

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.entries: dict[str, ModelCache.Entry] = {}
        self.used: dict[str, ModelCache.Entry] = {}
        self.dirty: set[int] = set()
        if folder is None:
            return
        for shard in range(self.SHARDS):
            try:
                with self._path(shard).open("rb") as handle:
                    signature, entries = pickle.load(handle)
            except FileNotFoundError:
                continue
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
                self.dirty.add(shard)  # unreadable: written again
                continue
            if signature == _code_signature():
                self.entries.update(entries)
            else:
                self.dirty.add(shard)

    def _path(self, shard: int) -> Path:
        assert self.folder is not None
        return self.folder / f"catalogue-{shard:02d}.pickle"

    def _shard(self, path: str) -> int:
        return zlib.crc32(path.encode()) % self.SHARDS

    def get(self, path: Path) -> Model | None:
        if self.folder is None:
            return None
        stat = path.stat()
        entry = self.entries.get(str(path))
        if entry and entry[:2] == (stat.st_mtime_ns, stat.st_size):
            self.used[str(path)] = entry
            return entry[2]
        return None

    def put(self, path: Path, item: Model) -> None:
        if self.folder is not None:
            stat = path.stat()
            self.used[str(path)] = (stat.st_mtime_ns, stat.st_size, item)
            self.dirty.add(self._shard(str(path)))

    def save(self) -> None:
        """Write the shards that changed: new or changed files, and removed ones."""
        if self.folder is None:
            return
        for gone in self.entries.keys() - self.used.keys():
            self.dirty.add(self._shard(gone))
        if not self.dirty:
            return  # nothing was read again: the cache on disk is still exact
        shards: dict[int, dict[str, ModelCache.Entry]] = {n: {} for n in self.dirty}
        for name, entry in self.used.items():
            shard = self._shard(name)
            if shard in shards:
                shards[shard][name] = entry
        self.folder.mkdir(parents=True, exist_ok=True)
        signature = _code_signature()
        for shard, entries in shards.items():
            temp = self._path(shard).with_suffix(".tmp")
            with temp.open("wb") as handle:
                pickle.dump((signature, entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
            temp.replace(self._path(shard))


MODEL_CODE = ("models.py", "types.py", "reading.py", "strict_yaml.py", "kinds.py", "cache.py")
"""The modules of ``content/`` whose code is the signature of the cache."""


@cache
def _code_signature() -> str:
    """The code that makes a model of a file (the models, the YAML parser, the reading)
    and the shape of an entry: when any of it changes, the cached models are not reused.
    A cache written before a change is ignored and written again, never misread."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in MODEL_CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


@contextmanager
def cycle_collection_paused(freeze: bool = False) -> Iterator[None]:
    """Reading makes tens of thousands of objects that all survive: the cycle collector
    walked them again and again and found nothing (models hold no cycles), a quarter of
    the loading time at 50 000 pledges.

    When it ends, what was made goes to the oldest generation at once (freezing then
    unfreezing does that without a pass): enabled with all of it in the youngest, the
    collector's next passes would walk it three times on its way there. With ``freeze``
    it stays frozen, out of the collector's reach (the build's view, while the build
    runs). Objects a caller keeps frozen are never unfrozen here."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            elif not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
