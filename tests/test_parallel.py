"""Pages written by several processes: the same site as one process writes, errors intact."""

from __future__ import annotations

import gc
import io
import os
import shutil
import signal
import threading
import weakref
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE, build_site, run_pelican, write
from pelican import signals
from rich.console import Console

from appel_a_communs import parallel
from appel_a_communs.content import loader
from appel_a_communs.content.errors import ContentError, ContentErrors
from appel_a_communs.content.loader import load_catalogue
from appel_a_communs.parallel import WorkerFailed, can_fork, map_shares, run_jobs

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")


@pytest.fixture
def forking(monkeypatch):
    """The suite may hold an idle server thread (pytest-httpserver's, for the whole
    session), which makes run_jobs stay in one process; these tests are about the
    workers, so they fork anyway (``can_fork`` has its own test)."""
    monkeypatch.setattr(parallel, "can_fork", lambda: True)


def settings_file(folder: Path, **settings: object) -> Path:
    """The repository's pelicanconf.py, the build date pinned, and ``settings``."""
    lines = "".join(f"{key} = {value!r}\n" for key, value in settings.items())
    text = f"import sys\nsys.path.insert(0, {str(REPO)!r})\nfrom pelicanconf import *\n"
    return write(folder / "conf.py", text + 'CATALOGUE_TODAY = "2026-11-26"\n' + lines)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def record_pid(folder: Path, name: str) -> None:
    (folder / name).write_text(str(os.getpid()))


@needs_fork
def test_every_job_runs_once_spread_over_the_processes(tmp_path, forking):
    jobs = [lambda n=n: record_pid(tmp_path, f"job-{n}") for n in range(30)]
    run_jobs(jobs, 3)
    done = {p.name: int(p.read_text()) for p in tmp_path.iterdir()}
    assert sorted(done) == sorted(f"job-{n}" for n in range(30))
    assert len(set(done.values())) == 3
    assert done["job-0"] == os.getpid()  # this process takes its share too


def test_one_process_runs_the_jobs_here(tmp_path):
    run_jobs([lambda: record_pid(tmp_path, "only")], 4)
    assert (tmp_path / "only").read_text() == str(os.getpid())


def fail(errors: list[ContentError]) -> None:
    raise ContentErrors(errors)


@needs_fork
def test_a_workers_error_comes_back_whole(tmp_path, forking):
    errors = [ContentError("content/commons/a.md", "title", "required key is missing", 2)]
    jobs = [lambda: None, lambda: fail(errors), lambda: record_pid(tmp_path, "after")]
    with pytest.raises(ContentErrors) as raised:
        run_jobs(jobs, 2)  # job 1 runs in the worker
    assert raised.value.errors == errors
    assert (tmp_path / "after").exists()  # this process finished its own share


def broken_template_job() -> None:
    raise ValueError("the template broke here")


@needs_fork
def test_a_workers_traceback_comes_back_as_a_note(forking):
    with pytest.raises(ValueError, match="the template broke here") as raised:
        run_jobs([lambda: None, broken_template_job], 2)
    (note,) = raised.value.__notes__
    assert note.startswith("In a worker process:")
    assert "in broken_template_job" in note


@needs_fork
def test_a_killed_worker_is_an_error_not_a_hang(tmp_path, forking):
    jobs = [lambda: None, lambda: os.kill(os.getpid(), signal.SIGKILL)]
    with pytest.raises(WorkerFailed, match=f"killed by signal {int(signal.SIGKILL)}"):
        run_jobs(jobs, 2)


@needs_fork
def test_an_error_here_waits_for_the_workers(tmp_path, forking):
    def slow() -> None:
        import time

        time.sleep(0.5)
        record_pid(tmp_path, "worker")

    jobs = [lambda: 1 / 0, slow]
    with pytest.raises(ZeroDivisionError):
        run_jobs(jobs, 2)
    assert (tmp_path / "worker").exists()  # not left running behind the error


def test_no_fork_beside_another_thread_but_beside_the_spinner():
    before = can_fork()
    with Console(file=io.StringIO(), force_terminal=True).status("Generating..."):
        assert any(type(t).__module__ == "rich.live" for t in threading.enumerate())
        assert can_fork() == before  # the thread that draws Pelican's spinner is let through
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("processes", [2, 3])
def test_the_pelican_command_writes_the_same_site_in_processes(tmp_path, processes):
    """``pelican`` draws a spinner from a thread while it builds: the workers still fork,
    and the site is the same, byte for byte, as one process writes."""
    settings = settings_file(tmp_path, CATALOGUE_PROCESSES=processes)
    done = run_pelican(str(SAMPLE), "-o", str(tmp_path / "out"), "-s", str(settings), "-v")
    assert done.returncode == 0, done.stderr + done.stdout
    expected = f"in {processes} processes" if hasattr(os, "fork") else "in 1 process"
    assert expected in done.stdout + done.stderr
    one = tree(build_site(SAMPLE, tmp_path / "one", CATALOGUE_PROCESSES=1))
    many = tree(tmp_path / "out")
    assert sum(name.startswith("communs/") for name in one) > 10
    assert one.keys() == many.keys()
    assert [name for name in one if one[name] != many[name]] == []


def test_a_template_error_names_the_template_line_from_any_process(tmp_path):
    """As Pelican does for a theme's error: the exception, and where the template failed
    (the workers' tracebacks come back as a note)."""
    overrides = tmp_path / "overrides"
    write(
        overrides / "actor.html",
        """
        {% extends "base.html" %}
        {% block content %}{{ 1 // (actor.name | length - actor.name | length) }}{% endblock %}
        """,
    )
    settings = settings_file(
        tmp_path, CATALOGUE_PROCESSES=2, THEME_TEMPLATES_OVERRIDES=[str(overrides)]
    )
    done = run_pelican(str(SAMPLE), "-o", str(tmp_path / "out"), "-s", str(settings))
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "ZeroDivisionError" in output and "by zero" in output
    assert 'actor.html", line 2' in output


@pytest.mark.parametrize("value", [0, -2, "4", 1.5, True])
def test_a_wrong_number_of_processes_is_a_settings_error(tmp_path, value):
    settings = settings_file(tmp_path, CATALOGUE_PROCESSES=value)
    done = run_pelican(str(SAMPLE), "-o", str(tmp_path / "out"), "-s", str(settings))
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "CATALOGUE_PROCESSES" in output and "Traceback" not in output


@needs_fork
def test_results_come_back_in_order_from_every_process(forking):
    results = map_shares(lambda share: [(n * n, os.getpid()) for n in share], range(25), 3)
    assert [square for square, _ in results] == [n * n for n in range(25)]
    assert len({pid for _, pid in results}) == 3
    assert results[0][1] == os.getpid()


@pytest.fixture
def readers(tmp_path, monkeypatch):
    """Every folder is read in processes, however few its files; returns the pids that
    read files, one line per share."""
    real = loader.read_files  # the loader's name for reading.read_files: the one it calls
    log = tmp_path / "readers.log"
    log.touch()

    def recording(name, paths, **options):
        if paths:
            with log.open("a") as out:
                out.write(f"{os.getpid()}\n")
        return real(name, paths, **options)

    monkeypatch.setattr(loader, "PARALLEL_FROM", 1)
    monkeypatch.setattr(loader, "read_files", recording)
    return lambda: {int(line) for line in log.read_text().split()}


@needs_fork
def test_reading_in_processes_gives_the_same_catalogue(forking, readers):
    one = load_catalogue(SAMPLE)
    several = load_catalogue(SAMPLE, processes=3)
    assert len(readers()) >= 3 and os.getpid() in readers()  # new workers for each folder
    assert several == one
    assert list(several.pledges) == list(one.pledges)  # file order kept
    assert several.sources == one.sources


@needs_fork
def test_reading_in_processes_reports_the_same_errors_in_the_same_order(tmp_path, forking, readers):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    pledges = content / "pledges"
    write(pledges / "a-broken.yml", "actor: [unclosed\n")
    write(pledges / "b-unknown.yml", "actor: a\ncommon: b\ndate: 2026-10-01\ncolour: red\n")
    write(pledges / "c-no-such.yml", "actor: nobody\ncommon: nothing\ndate: 2026-10-01\n")
    write(pledges / "D Bad Id.yml", "actor: a\ncommon: b\ndate: 2026-10-01\n")
    with pytest.raises(ContentErrors) as one:
        load_catalogue(content)
    with pytest.raises(ContentErrors) as several:
        load_catalogue(content, processes=3)
    assert len(readers()) >= 3 and os.getpid() in readers()  # new workers for each folder
    assert several.value.errors == one.value.errors
    messages = "\n".join(str(error) for error in one.value.errors)
    assert all(name in messages for name in ("a-broken", "b-unknown", "c-no-such", "D Bad Id"))


@needs_fork
def test_files_read_in_processes_are_cached(tmp_path, forking, readers):
    cache = tmp_path / "cache"
    first = load_catalogue(SAMPLE, cache, processes=2)
    shares = (tmp_path / "readers.log").read_text()
    assert len(readers()) >= 2
    assert load_catalogue(SAMPLE, cache, processes=2) == first
    assert (tmp_path / "readers.log").read_text() == shares  # nothing read again


@needs_fork
def test_a_build_reads_in_as_many_processes_as_it_writes(tmp_path, forking, readers):
    build_site(SAMPLE, tmp_path / "one", CATALOGUE_PROCESSES=1)
    assert readers() == {os.getpid()}
    build_site(SAMPLE, tmp_path / "two", CATALOGUE_PROCESSES=2)
    assert len(readers()) > 1
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def test_loading_pauses_the_cycle_collector_and_gives_it_back(tmp_path):
    assert gc.isenabled()
    load_catalogue(SAMPLE)
    assert gc.isenabled()
    with pytest.raises(ContentErrors):
        load_catalogue(tmp_path / "missing")
    assert gc.isenabled()
    gc.disable()
    try:
        load_catalogue(SAMPLE)
        assert not gc.isenabled()  # a caller's choice is left as it was
    finally:
        gc.enable()


@needs_fork
def test_a_plugin_listening_to_content_written_hears_every_page(tmp_path, forking):
    """It could not hear from the workers, so the writing stays in this process."""
    heard = []

    def listen(path, context):
        heard.append(Path(path).relative_to(tmp_path / "out").as_posix())

    signals.content_written.connect(listen)
    try:
        build_site(SAMPLE, tmp_path / "out", CATALOGUE_PROCESSES=2)
    finally:
        signals.content_written.disconnect(listen)
    # Widgets are written as the badges and feeds are, beside the pages (jobs.widget_jobs).
    pages = {p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.html")
             if p.parent.name != "widgets"}  # fmt: skip
    assert pages and pages <= set(heard)


def test_what_was_loaded_goes_to_the_oldest_generation_at_once():
    """Not left young, for the collector's next passes to walk it on its way there."""
    gc.unfreeze()  # whatever an earlier test's failed build left frozen
    catalogue = load_catalogue(SAMPLE)
    young = {id(item) for generation in (0, 1) for item in gc.get_objects(generation)}
    loaded = [*catalogue.pledges.values(), *catalogue.commons.values()]
    assert loaded and not any(id(item) in young for item in loaded)
    assert gc.get_freeze_count() == 0  # moved, not kept frozen


def test_a_build_freezes_its_view_only_while_it_runs(tmp_path):
    frozen = []

    def count(generators):
        frozen.append(gc.get_freeze_count())

    signals.all_generators_finalized.connect(count)
    try:
        build_site(SAMPLE, tmp_path / "out", CATALOGUE_PROCESSES=1)
    finally:
        signals.all_generators_finalized.disconnect(count)
    assert frozen and frozen[0] > 1000
    assert gc.get_freeze_count() == 0


def test_a_build_that_stops_on_errors_keeps_nothing_frozen(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    write(content / "pledges" / "broken.yml", "actor: nobody\ncommon: nothing\n")
    with pytest.raises(ContentErrors):
        build_site(content, tmp_path / "out", CATALOGUE_PROCESSES=1)
    assert gc.get_freeze_count() == 0


def test_a_build_first_releases_what_a_failed_build_left_frozen(tmp_path):
    """A build that fails while writing never reaches ``finalized`` (autoreload goes on)."""

    class Cycle:
        pass

    left = Cycle()
    left.itself = left
    gone = weakref.ref(left)
    gc.freeze()  # as a failed build leaves its view, this cycle among it
    del left
    alive_while_writing = []

    def check(generators):
        alive_while_writing.append(gone() is not None)

    signals.all_generators_finalized.connect(check)
    try:
        build_site(SAMPLE, tmp_path / "out", CATALOGUE_PROCESSES=1)
    finally:
        signals.all_generators_finalized.disconnect(check)
        gc.unfreeze()
    assert alive_while_writing == [False]


def test_the_view_is_frozen_before_the_collector_is_enabled_again(tmp_path, monkeypatch):
    """Or the collector's first pass after loading walks everything just loaded."""
    frozen_when_enabled = []
    enable = gc.enable

    def recording_enable():
        frozen_when_enabled.append(gc.get_freeze_count())
        enable()

    monkeypatch.setattr(gc, "enable", recording_enable)
    build_site(SAMPLE, tmp_path / "out", CATALOGUE_PROCESSES=1)
    assert frozen_when_enabled and min(frozen_when_enabled) > 1000


def test_the_setting_is_documented():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "CATALOGUE_PROCESSES" in readme


@needs_fork
def test_a_free_process_takes_the_next_job(tmp_path, forking):
    """Jobs are taken one at a time by whichever process is free: while this process runs
    a long first job, the worker runs every other one."""
    import time

    def long() -> None:
        time.sleep(1.5)
        record_pid(tmp_path, "long")

    jobs = [long] + [lambda n=n: record_pid(tmp_path, f"job-{n}") for n in range(1, 40)]
    run_jobs(jobs, 2)
    done = {p.name: int(p.read_text()) for p in tmp_path.iterdir()}
    assert len(done) == 40 and done["long"] == os.getpid()
    assert {done[f"job-{n}"] for n in range(1, 40)} == {done["job-1"]} != {os.getpid()}


@needs_fork
def test_too_many_jobs_for_the_pipe_fall_back_to_fixed_shares(tmp_path, forking, monkeypatch):
    monkeypatch.setattr(parallel, "_queue", lambda start, count: None)
    jobs = [lambda n=n: record_pid(tmp_path, f"job-{n}") for n in range(6)]
    run_jobs(jobs, 2)
    done = {p.name: int(p.read_text()) for p in tmp_path.iterdir()}
    assert {done[f"job-{n}"] for n in (0, 2, 4)} == {os.getpid()}
    assert os.getpid() not in {done[f"job-{n}"] for n in (1, 3, 5)}


def test_the_queue_holds_every_number_once():
    queue = parallel._queue(3, 20_000)  # 68 KB: more than a pipe holds by default
    assert queue is not None
    try:
        numbers = []
        while chunk := os.read(queue, parallel.JOB_NUMBER.size):
            numbers.append(parallel.JOB_NUMBER.unpack(chunk)[0])
    finally:
        os.close(queue)
    assert numbers == list(range(3, 20_000))
