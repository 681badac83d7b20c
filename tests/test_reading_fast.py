"""Reading a file's bytes (issue 25, loading): ``reading._read_bytes`` opens the file once
and asks the opened file its size; whatever it says of a file is what the slower order,
its size asked by its path then the file read (``_read_bytes_by_path``), says."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from appel_a_communs.content import reading
from appel_a_communs.content.errors import ContentErrors


def _outcome(function, path, max_size):
    try:
        return ("read", function(path, max_size))
    except ContentErrors as exc:
        return ("refused", [(e.path, e.field, e.message, e.line) for e in exc.errors])


def _files(tmp_path):
    (tmp_path / "a.yml").write_bytes(b"a: b\n")
    (tmp_path / "empty.yml").write_bytes(b"")
    (tmp_path / "big.yml").write_bytes(b"a: " + b"x" * 5000 + b"\n")
    (tmp_path / "folder.yml").mkdir()
    (tmp_path / "nowhere.yml").symlink_to(tmp_path / "missing.yml")
    (tmp_path / "loop.yml").symlink_to(tmp_path / "loop.yml")
    (tmp_path / "link.yml").symlink_to(tmp_path / "a.yml")
    return [
        *sorted(tmp_path.iterdir()),
        tmp_path / "missing.yml",
        tmp_path / "a.yml" / "under-a-file.yml",
    ]


@pytest.mark.parametrize("max_size", [0, 3, 5, 100, 1_000_000])
def test_one_opening_says_what_the_path_s_order_says(tmp_path, max_size):
    for path in _files(tmp_path):
        fast = _outcome(reading._read_bytes, path, max_size)
        assert fast == _outcome(reading._read_bytes_by_path, path, max_size), path


def test_a_file_grown_since_its_size_was_asked_is_read_whole(tmp_path, monkeypatch):
    path = tmp_path / "a.yml"
    path.write_bytes(b"a: " + b"x" * 200_000 + b"\n")
    real = os.fstat
    monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real(fd)[:6], 10, 0, 0, 0)))
    assert reading._read_bytes(path, 1_000_000) == path.read_bytes()


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="no /proc")
def test_a_file_that_says_it_is_empty_is_read_to_its_end():
    """/proc's files say their size is 0 and hold more: read to their end all the same."""
    path = Path("/proc/version")
    assert path.stat().st_size == 0
    assert reading._read_bytes(path, 1_000_000) == path.read_bytes() != b""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_is_read_to_its_end(tmp_path):
    path = tmp_path / "pipe.yml"
    os.mkfifo(path)
    sent = b"a: " + b"x" * 300_000 + b"\n"

    def write() -> None:
        with path.open("wb") as pipe:
            pipe.write(sent)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert reading._read_bytes(path, 1_000_000) == sent
    finally:
        writer.join(10)


@pytest.mark.parametrize(
    "raw",
    [
        b"a: b\n",
        b"\xef\xbb\xbfa: b\n",
        b"\xef\xbb\xbf\xef\xbb\xbfa: b\n",
        b"a: \xff\n",
        b"\xef\xbb\xbfa: \xff\n",
        b"\xef\xbb",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf \n\t\n",
        b"\xc2\xa0\xe2\x80\xa8\n",
        b" \n",
    ],
)
def test_text_is_decoded_and_found_empty_as_utf_8_sig_and_strip_say(tmp_path, raw):
    path = tmp_path / "a.yml"
    path.write_bytes(raw)
    try:
        expected = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        expected = f"is not valid UTF-8 text (byte {exc.start})"
    else:
        expected = expected if expected.strip() else "the file is empty"
    try:
        assert reading.read_text(path) == expected
    except ContentErrors as exc:
        assert [error.message for error in exc.errors] == [expected]
