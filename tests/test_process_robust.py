"""``process`` never lets one envelope stop the others (issue 24): whatever goes wrong with
one envelope ends with it processed wholly (content file, record, envelope moved) or
rejected wholly (a report, the envelope moved, none of its files left), the run goes on to
the next, and a second run changes nothing. Odd inbox entries are named, never skipped
silently; an envelope may start with a UTF-8 byte-order mark, as content files may.

Every test runs the real processor through the CLI on a copy of tests/calls/rounds, with
the faulty envelope between two good ones (the inbox is processed in name order).
"""

from __future__ import annotations

import errno
import fnmatch
import json
import os
from decimal import InvalidOperation
from pathlib import Path

import pytest
import yaml
from conftest import REPO, submissions_site, tree

from appel_a_communs.content.types import MAX_SLUG, clip, clip_slug
from appel_a_communs.submissions import process as process_module
from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.envelope import (
    MAX_PID,
    NAME_MAX,
    TEMP_ROOM,
    bounded_name,
    read_envelope,
    temp_of,
    temp_target,
)
from appel_a_communs.submissions.process import Processor

ROUNDS = REPO / "tests" / "calls" / "rounds"
TODAY = "2026-11-26"
FIRST, LAST = "form-0001", "form-9999"
"""The good envelopes around the faulty one (``form-5…``), in the inbox's order."""


@pytest.fixture
def site(tmp_path) -> Path:
    return submissions_site(tmp_path, ROUNDS, "en")  # reports and summary in English


def put(site: Path, ident: str, kind: str, data: dict, *, name: str | None = None) -> Path:
    envelope = {
        "id": ident,
        "type": kind,
        "submitted_at": "2026-11-20T10:00:00Z",
        "source": "form",
        "data": data,
    }
    path = site / "submissions" / "inbox" / (name or f"{ident}.json")
    path.write_text(json.dumps(envelope), encoding="utf-8")
    return path


def around(site: Path) -> None:
    """The two good envelopes: a join and a new actor."""
    put(site, FIRST, "join", {"actor": "asso", "common": "nouveau", "role": "user"})
    put(site, LAST, "register-actor", {"name": "Vélo Club de Brume"})


def run(site: Path, capsys) -> tuple[int, str, str]:
    code = main(["--root", str(site), "process", "--today", TODAY])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def plain(markdown: str) -> str:
    """Without the backticks that quote values (their quoting is not this file's concern)."""
    return markdown.replace("`", "")


def records(site: Path) -> dict[str, dict]:
    return {
        (r := json.loads(p.read_text(encoding="utf-8")))["id"]: r
        for p in (site / "submissions/processed").glob("*.record.json")
    }


def assert_settled(site: Path, before: dict[str, str]) -> dict[str, str]:
    """Each envelope wholly processed or wholly rejected: the inbox is empty, every content
    file the run added is in a record, every rejected envelope has its report, and every
    file name fits in 255 bytes. Returns each envelope id's status."""
    assert not [p.name for p in (site / "submissions/inbox").iterdir()]
    added = {p for p in tree(site) if p.startswith("content/") and p not in before}
    recorded = {f for r in records(site).values() for f in r["files"]}
    assert added <= recorded, added - recorded  # no content file without its record
    for ident, record in records(site).items():
        assert (site / "submissions/processed" / f"{ident}.json").is_file()
        assert all((site / f).is_file() for f in record["files"])
    status = dict.fromkeys(records(site), "processed")
    reports = [p.read_text(encoding="utf-8") for p in site.glob("submissions/rejected/*.md")]
    for envelope in (site / "submissions/rejected").glob("*.json"):
        ident = json.loads(envelope.read_text(encoding="utf-8"))["id"]
        assert ident not in status, ident  # not both
        assert sum(ident in report.splitlines()[0] for report in reports) == 1, ident
        status[ident] = "rejected"
    for path in site.rglob("*"):
        assert len(path.name.encode()) <= 255
    return status


def assert_the_others_processed(site: Path) -> None:
    assert (site / "content/pledges" / f"{FIRST}.yml").is_file()
    assert (site / "content/actors/velo-club-de-brume.yml").is_file()
    assert {FIRST, LAST} <= set(records(site))


# --- long names ------------------------------------------------------------------------

LONG_ID = "form-5" + "a" * 229  # 235 characters
REJECTED_ID = "form-5" + "b" * 244  # 250: the inbox file's name is 255 bytes
LONG_SLUG = "c" * 245
COMMON = {
    "title": "Parking vélo partagé",
    "summary": "Des arceaux partagés entre voisins.",
    "challenges": ["mobilite"],
    "proposed_by": ["asso"],
    "budget": {"lines": [{"label": "Arceaux", "amount": "4000"}]},
    "body": "Des arceaux.",
}
FAULTY = {
    "a pledge whose id is 235 characters": (
        LONG_ID,
        "pledge",
        {"actor": "asso", "common": "velo", "money": {"amount": "500"}},
    ),
    "a common whose submitted slug is 245 characters": (
        "form-5",
        "propose-common",
        {**COMMON, "slug": LONG_SLUG},
    ),
    "a rejected envelope whose id is 250 characters": (
        REJECTED_ID,
        "pledge",
        {"actor": "personne", "common": "velo", "money": {"amount": "500"}},
    ),
    "a pledge of 29 digits": (
        "form-5",
        "pledge",
        {"actor": "asso", "common": "velo", "money": {"amount": "9" * 29}},
    ),
}


@pytest.mark.parametrize("case", FAULTY)
def test_one_faulty_envelope_never_stops_the_others(site, capsys, case):
    ident, kind, data = FAULTY[case]
    around(site)
    put(site, ident, kind, data)
    before = tree(site)
    code, out, err = run(site, capsys)
    assert code == 0, err
    status = assert_settled(site, before)
    assert_the_others_processed(site)
    if case != "a pledge whose id is 235 characters":  # processed, or refused by a limit
        assert status[ident] == "rejected"
    if status[ident] == "rejected":
        assert f"{ident} (" in plain(out)
        assert not (site / "content/pledges" / f"{ident}.yml").exists()
        assert not list((site / "content/commons").glob("cccccccc*"))
    assert str(site) not in out + err
    done = tree(site)
    code, out, err = run(site, capsys)
    assert code == 0 and tree(site) == done, err


def test_a_long_id_gets_a_report_and_a_record_whose_names_fit(site, capsys):
    """Names made from ids or inbox names are cut, with a stable hash, below 255 bytes;
    what the files say names the envelope in full."""
    put(site, REJECTED_ID, "pledge", {"actor": "personne", "common": "velo"})
    run(site, capsys)
    [report] = (site / "submissions/rejected").glob("*.report.md")
    assert len(report.name.encode()) < 255 and report.name.startswith("form-5bbb")
    assert REJECTED_ID in report.read_text(encoding="utf-8")
    assert (site / "submissions/rejected" / f"{REJECTED_ID}.json").is_file()
    # the record of an id too long for `<id>.record.json` (when ids may be that long)
    processor = Processor(site)
    path = processor.processed / f"{LONG_ID}.record.json"
    assert processor.record_path(LONG_ID) != path
    assert processor.record_path(LONG_ID) == processor.record_path(LONG_ID)  # stable
    record = processor.record_path(LONG_ID)
    temp = temp_of(record, MAX_PID)  # its temporary file fits too
    assert len(temp.name.encode()) <= NAME_MAX and temp_target(temp.name) == record.name
    assert processor.record_path("form-1") == processor.processed / "form-1.record.json"


# --- faults injected ---------------------------------------------------------------------


def fail_writing(monkeypatch, name: str, code: int = errno.EROFS) -> None:
    """``process`` cannot write the files whose name matches ``name`` (a glob pattern): the
    error the system would raise (a full disk, a read-only file system), the rest written."""
    real = process_module.write_atomic

    def failing(path: Path, text: str) -> None:
        if fnmatch.fnmatchcase(path.name, name):
            raise OSError(code, os.strerror(code), str(path))
        real(path, text)

    monkeypatch.setattr(process_module, "write_atomic", failing)


def test_a_record_that_cannot_be_written_takes_its_content_file_back(site, capsys, monkeypatch):
    around(site)
    put(site, "form-5", "pledge", {"actor": "asso", "common": "velo", "money": {"amount": "500"}})
    fail_writing(monkeypatch, "form-5.record.json", errno.ENOSPC)
    before = tree(site)
    code, out, err = run(site, capsys)
    assert code == 0, err
    assert assert_settled(site, before)["form-5"] == "rejected"
    assert_the_others_processed(site)
    assert not (site / "content/pledges/form-5.yml").exists()
    report = (site / "submissions/rejected/form-5.report.md").read_text(encoding="utf-8")
    english = plain(report)
    assert "No space left on device (submissions/processed/form-5.record.json)" in english
    assert "a fault of the tool" in english
    assert "move submissions/rejected/form-5.json back to submissions/inbox/" in english
    assert str(site) not in report + out + err
    assert "form-5" in err and "No space left on device" in err
    monkeypatch.undo()
    done = tree(site)
    run(site, capsys)
    assert tree(site) == done


def test_a_content_file_written_earlier_is_kept_when_the_record_fails(site, capsys, monkeypatch):
    """Only what this run wrote is taken back: a file an interrupted run left stays."""
    put(site, "form-5", "pledge", {"actor": "asso", "common": "velo", "money": {"amount": "500"}})
    run(site, capsys)
    text = (site / "content/pledges/form-5.yml").read_text(encoding="utf-8")
    (site / "submissions/processed/form-5.record.json").unlink()
    (site / "submissions/processed/form-5.json").replace(site / "submissions/inbox/form-5.json")
    fail_writing(monkeypatch, "*.record.json", errno.EIO)
    run(site, capsys)
    assert (site / "content/pledges/form-5.yml").read_text(encoding="utf-8") == text
    assert (site / "submissions/rejected/form-5.report.md").is_file()


@pytest.mark.parametrize(
    "fault",
    [
        RuntimeError("an unexpected bug"),
        InvalidOperation([InvalidOperation]),
        KeyError("money"),
        RecursionError("maximum recursion depth exceeded"),
        MemoryError(),
    ],
)
def test_an_unexpected_error_in_check_rejects_that_envelope_only(site, capsys, monkeypatch, fault):
    around(site)
    put(site, "form-5", "pledge", {"actor": "asso", "common": "velo", "money": {"amount": "500"}})
    real = Processor.check

    def check(self, envelope):
        if envelope.id == "form-5":
            raise fault
        return real(self, envelope)

    monkeypatch.setattr(Processor, "check", check)
    before = tree(site)
    code, out, err = run(site, capsys)
    assert code == 0, err
    assert assert_settled(site, before)["form-5"] == "rejected"
    assert_the_others_processed(site)
    report = (site / "submissions/rejected/form-5.report.md").read_text(encoding="utf-8")
    assert type(fault).__name__ in report and "a fault of the tool" in report
    assert "Traceback" not in out + err
    dry = main(["--root", str(site), "process", "--dry-run"])  # the inbox is empty now
    assert dry == 0


def test_a_dry_run_names_the_fault_and_writes_nothing(site, capsys, monkeypatch):
    around(site)
    put(site, "form-5", "pledge", {"actor": "asso", "common": "velo", "money": {"amount": "500"}})

    def check(self, envelope):
        raise RuntimeError("an unexpected bug")

    monkeypatch.setattr(Processor, "check", check)
    before = tree(site)
    assert main(["--root", str(site), "process", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert tree(site) == before
    assert "form-5 (pledge)" in plain(out) and "RuntimeError" in out


def test_a_report_that_cannot_be_written_leaves_the_envelope_in_the_inbox(
    site, capsys, monkeypatch
):
    """Neither processed nor rejected: the envelope waits for the next run, the run goes on
    and says so on stderr, and the exit status is 1 (the tool failed)."""
    around(site)
    put(site, "form-5", "pledge", {"actor": "personne", "common": "velo"})
    fail_writing(monkeypatch, "form-5.report.md")
    code, out, err = run(site, capsys)
    assert code == 1
    assert_the_others_processed(site)
    assert (site / "submissions/inbox/form-5.json").is_file()
    assert not (site / "submissions/rejected").exists() or not list(
        (site / "submissions/rejected").iterdir()
    )
    assert "submissions/inbox/form-5.json" in err and "Read-only file system" in err
    assert str(site) not in out + err
    monkeypatch.undo()
    assert run(site, capsys)[0] == 0
    assert (site / "submissions/rejected/form-5.report.md").is_file()


# --- the inbox ---------------------------------------------------------------------------


def test_odd_inbox_entries_are_named_relative_to_the_site(site, capsys):
    inbox = site / "submissions/inbox"
    around(site)
    put(site, "form-2", "join", {"actor": "ville", "common": "velo", "role": "user"}, name="x.JSON")
    (inbox / "y.Yml").write_text(
        yaml.safe_dump(
            {
                "id": "form-3",
                "type": "join",
                "submitted_at": "2026-11-20T10:00:00Z",
                "source": "form",
                "data": {"actor": "atelier", "common": "velo", "role": "user"},
            }
        ),
        encoding="utf-8",
    )
    put(site, "form-4", "join", {"actor": "asso", "common": "velo"}, name=".hidden.json")
    (inbox / "folder.json").mkdir()
    (inbox / "notes.txt").write_text("à lire", encoding="utf-8")
    (inbox / ".gitkeep").write_text("", encoding="utf-8")
    code, out, err = run(site, capsys)
    assert code == 0, err
    # any case of .json, .yml, .yaml is an envelope
    assert (site / "content/pledges/form-2.yml").is_file()
    assert (site / "content/pledges/form-3.yml").is_file()
    assert (site / "submissions/processed/x.JSON").is_file()
    # the rest stays, named with what to do
    left = sorted(p.name for p in inbox.iterdir())
    assert left == [".gitkeep", ".hidden.json", "folder.json", "notes.txt"]
    assert "submissions/inbox/.hidden.json" in err and "without the leading dot" in err
    assert "submissions/inbox/folder.json" in err and "a folder" in err
    assert "submissions/inbox/notes.txt" in err and ".json" in err
    assert ".gitkeep" not in err
    assert str(site) not in out + err
    # a dry run names them too
    main(["--root", str(site), "process", "--dry-run"])
    assert "submissions/inbox/.hidden.json" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".json", ".yml"])
def test_an_envelope_with_a_byte_order_mark_is_accepted(site, capsys, suffix):
    envelope = {
        "id": "form-1",
        "type": "join",
        "submitted_at": "2026-11-20T10:00:00Z",
        "source": "form",
        "data": {"actor": "asso", "common": "nouveau", "role": "user"},
    }
    text = json.dumps(envelope) if suffix == ".json" else yaml.safe_dump(envelope)
    path = site / "submissions/inbox" / f"form-1{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _, parsed, errors = read_envelope(path)
    assert errors == [] and parsed is not None and parsed.id == "form-1"
    code, _, err = run(site, capsys)
    assert code == 0, err
    assert (site / "content/pledges/form-1.yml").is_file()


# --- one id, one envelope ------------------------------------------------------------------


def test_a_second_envelope_with_a_taken_id_is_rejected_never_overwrites(site, capsys):
    """Two envelopes sharing an id (hand-placed, or a form export whose ids collide): the
    first is processed, the second rejected with a report naming the id and the other file;
    the first one's record is never overwritten, and a rerun changes nothing."""
    put(site, "dup-1", "register-actor", {"name": "Vélo Club de Brume"}, name="a06.json")
    put(site, "dup-1", "register-actor", {"name": "Atelier du Vent"}, name="a07.json")
    dry = main(["--root", str(site), "process", "--today", TODAY, "--dry-run"])
    out = plain(capsys.readouterr().out)
    assert dry == 0 and "1 added, 1 rejected" in out
    before = tree(site)
    code, out, err = run(site, capsys)
    assert code == 0, err
    assert "1 added, 1 rejected" in plain(out)
    [record] = records(site).values()
    assert record["files"] == ["content/actors/velo-club-de-brume.yml"]
    assert not (site / "content/actors/atelier-du-vent.yml").exists()
    assert (site / "submissions/processed/a06.json").is_file()
    assert (site / "submissions/rejected/a07.json").is_file()
    report = plain((site / "submissions/rejected/a07.report.md").read_text(encoding="utf-8"))
    english = report
    assert "dup-1" in english and "submissions/processed/a06.json" in english
    assert not [p for p in tree(site) if p.startswith("content/") and p not in before][1:]
    done = tree(site)
    assert run(site, capsys)[0] == 0 and tree(site) == done
    # the same envelope put back (a maintainer's rerun) is still its own id's owner
    (site / "submissions/processed/a06.json").replace(site / "submissions/inbox/a06.json")
    code, out, err = run(site, capsys)
    assert code == 0 and "1 added, 0 rejected" in plain(out), out + err
    assert tree(site) == done


def test_rejected_envelopes_sharing_a_stem_keep_a_report_each(site, capsys):
    inbox = site / "submissions/inbox"
    put(site, "form-1", "pledge", {"actor": "personne", "common": "velo"}, name="x.json")
    envelope = {
        "id": "form-2",
        "type": "pledge",
        "submitted_at": "2026-11-20T10:00:00Z",
        "source": "form",
        "data": {"actor": "nobody", "common": "velo"},
    }
    (inbox / "x.yml").write_text(yaml.safe_dump(envelope), encoding="utf-8")
    code, _, err = run(site, capsys)
    assert code == 0, err
    reports = {
        p.name: p.read_text(encoding="utf-8").splitlines()[0]
        for p in (site / "submissions/rejected").glob("*.report.md")
    }
    assert len(reports) == 2, reports
    assert sorted("form-1" in title for title in reports.values()) == [False, True]
    assert "form-1" in reports["x.report.md"]  # the first keeps the usual name
    assert "form-2" in reports["x.yml.report.md"]  # the second is named by its whole name


# --- what the summary says ------------------------------------------------------------------


def test_the_summary_names_what_was_not_processed(site, capsys, monkeypatch):
    """The summary is the pull request's body: an envelope left in the inbox (status
    ``failed``) and the odd inbox entries are in it, not only on stderr, quoted inertly."""
    around(site)
    put(site, "form-5", "pledge", {"actor": "personne", "common": "velo"})
    (site / "submissions/inbox/[x](https:e.vil) @octocat.txt").write_text("", encoding="utf-8")
    fail_writing(monkeypatch, "form-5.report.md")
    code, out, _ = run(site, capsys)
    assert code == 1
    counts = "2 added, 0 rejected, 1 not processed"
    assert f"**{counts}**" in out
    section = out.split("### Not processed")[1]
    assert "- `form-5` (`pledge`), `submissions/inbox/form-5.json`: `OSError: " in section
    assert "Read-only file system" in section and "stays in the inbox" in section
    assert "`submissions/inbox/[x](https:e.vil) @octocat.txt`: " in section
    assert str(site) not in out


def test_one_cut_for_ids_and_file_names():
    """``types.clip`` counts bytes (a file name's limit), never cuts a character in two, and
    ends a cut text with a hash of the whole; ``clip_slug`` and ``bounded_name`` are it."""
    name = "é" * 200  # 400 bytes
    cut = clip(name, 100)
    assert len(cut.encode()) <= 100 and cut.startswith("é" * 44) and cut != clip("é" * 201, 100)
    assert clip(name, 400) == name and clip_slug("a-" * 60) == clip("a-" * 60, MAX_SLUG)
    bounded = bounded_name(name, ".report.md")
    assert bounded == clip(name, NAME_MAX - TEMP_ROOM - len(".report.md")) + ".report.md"
    assert len(temp_of(Path(bounded), MAX_PID).name.encode()) <= NAME_MAX
