"""Independent work in forked worker processes: the files of a large call are read, and
its pages rendered, on every core the machine lends.

Files to read are split by ``map_shares``: each worker takes every n-th item of the list,
so the split needs no shared state and the results come back in order. Jobs that only
write (``run_jobs``: pages, data files) are taken one at a time by whichever process is
free, from a pipe holding their numbers: a page of each common and one workbook of a
round differ a hundredfold in cost, and a fixed split left one process working alone at
the end. The workers are forks of the process: they see what it holds as
it is and nothing is sent to them; pages go straight to files, and results (the models
read from files) come back pickled, in the order of the items. An error in a worker
comes back to the parent as the exception itself and is raised there, once every worker
has stopped, as if the work had run in one process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # Windows, which cannot fork either
    fcntl = None  # type: ignore[assignment]

Job = Callable[[], object]
Item = TypeVar("Item")
Result = TypeVar("Result")


def usable_cpus() -> int:
    """The CPUs this process may run on (a CI runner's share, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Forking is safe where it exists and no other thread may hold a lock that a worker
    would inherit locked (an HTTP server's thread, say). The one thread let through is
    rich's refresh thread, which draws Pelican's "Generating..." spinner: it holds only
    the console's locks, and workers never touch the console (``_own_output``)."""
    if not hasattr(os, "fork"):
        return False
    current = threading.current_thread()
    return all(
        thread is current or type(thread).__module__ == "rich.live"
        for thread in threading.enumerate()
    )


def _own_output() -> None:
    """Give a new worker its own streams on the same descriptors, and a plain log handler:
    the parent's may be locked by the thread that draws the spinner, which forking left
    behind."""
    streams = []
    for fd, parent in ((1, sys.__stdout__), (2, sys.__stderr__)):
        encoding = getattr(parent, "encoding", None) or "utf-8"
        try:
            streams.append(open(fd, "w", encoding=encoding, errors="replace", closefd=False))  # noqa: SIM115
        except OSError:
            streams.append(open(os.devnull, "w", encoding="utf-8"))  # noqa: PTH123, SIM115
    sys.stdout, sys.stderr = streams
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-8s %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


class WorkerFailed(RuntimeError):
    """A worker ended without saying why (killed, or its error could not be sent back)."""


def run_jobs(jobs: Sequence[Job], processes: int) -> None:
    """Run every job once, in ``processes`` processes at most (this one included): the
    n-th process first runs the n-th job (this one the first), then each takes the next
    job not taken yet (``_queue``); put the longest jobs first. A failed job stops its
    process, the others go on; the failure is raised once every process has stopped."""
    processes = min(processes, len(jobs))
    queue = _queue(processes, len(jobs)) if processes > 1 and can_fork() else None
    if queue is None:  # one process, or a pipe that cannot hold the numbers: fixed shares
        map_shares(_run_all, jobs, processes)
        return
    try:
        map_shares(partial(_take_jobs, jobs, queue), list(range(processes)), processes)
    finally:
        os.close(queue)


JOB_NUMBER = struct.Struct("<I")


def _queue(start: int, count: int) -> int | None:
    """A pipe's reading end, the numbers ``start`` to ``count`` - 1 waiting in it and its
    writing end closed: each read of one number takes the next (reads of a pipe are
    atomic), and an empty pipe reads as its end. None when the pipe cannot hold them all."""
    read, write = os.pipe()
    data = b"".join(JOB_NUMBER.pack(number) for number in range(start, count))
    written = 0
    try:
        with contextlib.suppress(AttributeError, OSError):  # Linux only; 1 MiB at most
            if len(data) > fcntl.fcntl(write, fcntl.F_GETPIPE_SZ):
                fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, len(data))
        os.set_blocking(write, False)  # too much for the pipe: a short write, not a hang
        written = os.write(write, data)
    except OSError:
        pass
    finally:
        os.close(write)
    if written != len(data):
        os.close(read)
        return None
    return read


def _take_jobs(jobs: Sequence[Job], queue: int, slots: Sequence[int]) -> list[None]:
    """This process's own first job (``slots``: its number), then the next job of
    ``queue`` until none is left."""
    for slot in slots:
        jobs[slot]()
    while number := os.read(queue, JOB_NUMBER.size):
        if len(number) != JOB_NUMBER.size:  # Linux and the BSDs never split them
            raise WorkerFailed("a job's number came from the pipe cut short")
        jobs[JOB_NUMBER.unpack(number)[0]]()
    return [None] * len(slots)


def _run_all(jobs: Sequence[Job]) -> list[None]:
    for job in jobs:
        job()
    return [None] * len(jobs)


def map_shares(
    work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], processes: int
) -> list[Result]:
    """``work`` (one result per item, in order) over every item, in ``processes``
    processes at most (this one included); the results come back in the items' order.
    A worker's results are pickled back to this process, so they must be small next to
    the work."""
    processes = min(processes, len(items))
    if processes <= 1 or not can_fork():
        return work(items)
    sys.stdout.flush()  # or a child would write the parent's buffered text again
    sys.stderr.flush()
    children: list[tuple[int, int]] = []
    for worker in range(1, processes):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: its share, then out without Python's exit
            os.close(read)
            code = 0
            try:
                _own_output()
                payload = pickle.dumps(work(items[worker::processes]), pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:
                code = 1
                payload = _report(exc)
            try:
                with os.fdopen(write, "wb") as out:
                    out.write(payload)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        os.close(write)
        children.append((pid, read))
    results: list[Any] = [None] * len(items)
    error: BaseException | None = None
    try:
        results[0::processes] = work(items[0::processes])
    except BaseException as exc:
        error = exc
    failures = []
    for worker, (pid, read) in enumerate(children, start=1):
        share, failure = _wait(pid, read)
        failures.append(failure)
        if failure is None:
            results[worker::processes] = share
    if error is not None:
        raise error
    for failure in failures:
        if failure is not None:
            raise failure
    return results


def _report(exc: BaseException) -> bytes:
    """What a failed worker sends back: its exception, and a text in case that cannot be."""
    text = f"{type(exc).__name__}: {exc}"
    details = "".join(traceback.format_exception(exc))
    try:
        return pickle.dumps((text, details, pickle.dumps(exc)))
    except Exception:
        return pickle.dumps((text, details, None))


def _wait(pid: int, read: int) -> tuple[Any, BaseException | None]:
    """A worker's results, or why it has none."""
    with os.fdopen(read, "rb") as report:
        payload = report.read()  # until the worker exits: read before waiting on it
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == 0 and payload:
        return pickle.loads(payload), None
    if code == 0 or not payload:
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return None, WorkerFailed(f"a worker process {how}")
    text, details, pickled = pickle.loads(payload)
    failure: BaseException = WorkerFailed(text)
    if pickled is not None:
        with contextlib.suppress(Exception):  # not rebuilt: its text, as WorkerFailed
            failure = pickle.loads(pickled)
    # A traceback does not cross processes: where the worker failed (a template's line,
    # say) travels as a note, which tracebacks print after their own frames.
    failure.add_note(f"In a worker process:\n{details.rstrip()}")
    return None, failure
