"""Issue 14: nesting, long numbers and big files end in the usual content error (file,
line, field), in a real build, in ``check`` and in submissions; never a traceback."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from conftest import IN_ENGLISH, build_site, run_pelican
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appel_a_communs.commands.check import check_content
from appel_a_communs.content.errors import ContentErrors
from appel_a_communs.content.settings import default_settings, site_settings
from appel_a_communs.submissions.envelope import read_envelope
from pelican.plugins.appel_a_communs.settings import read_settings

DEEP = "name: A\nkind: association\ndescription: " + "[" * 1000 + "]" * 1000 + "\n"
LONG = "actor: ville\ncommon: covoit\ndate: 2026-10-01\nmoney:\n  amount: " + "7" * 5000 + "\n"


def test_deep_nesting_and_long_numbers_stop_pelican_with_one_line_each(make_content, tmp_path):
    content = make_content({"actors/asso.yml": DEEP, "pledges/p1.yml": LONG})
    result = run_pelican(
        str(content), "-o", str(tmp_path / "out"), "-s", "pelicanconf.py", *IN_ENGLISH
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output and "RecursionError" not in output
    assert "2 content errors" in output, output
    assert "asso.yml:3: description[0][0]" in output, output
    assert "nested more than 100 levels deep" in output
    assert "p1.yml:5: money.amount: a number of more than 100 digits" in output, output


def test_a_file_above_the_limit_is_refused_before_parsing(make_content, tmp_path):
    content = make_content({"commons/covoit.md": "---\ntitle: T\n---\n" + "x" * 3000})
    with pytest.raises(ContentErrors) as info:
        build_site(content, tmp_path / "out", CATALOGUE_MAX_FILE_SIZE=2000)
    (error,) = info.value.errors
    assert Path(error.path).name == "covoit.md"
    assert "more than the 2000 allowed (CATALOGUE_MAX_FILE_SIZE)" in error.message
    limited = site_settings({"CATALOGUE_MAX_FILE_SIZE": 2000, "CATALOGUE_GITHUB_REPO": "o/n"})
    errors = check_content(content, date(2026, 11, 26), limited)
    assert [Path(e.path).name for e in errors] == ["covoit.md"]
    unlimited = check_content(content, date(2026, 11, 26), default_settings())
    assert not any("CATALOGUE_MAX_FILE_SIZE" in e.message for e in unlimited)


@pytest.mark.parametrize("value", [0, -1, "1000", 1.5])
def test_the_limit_is_a_positive_integer(value):
    with pytest.raises(ContentErrors, match="CATALOGUE_MAX_FILE_SIZE"):
        read_settings({"CATALOGUE_GITHUB_REPO": "owner/name", "CATALOGUE_MAX_FILE_SIZE": value})
    checked = read_settings({"CATALOGUE_GITHUB_REPO": "owner/name"})
    assert checked.max_file_size == 1_000_000


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("e.json", "[" * 100_000 + "]" * 100_000, "nested more than 100 levels deep"),
        ("e.json", '{"id": ' + "1" * 5000 + "}", "more than 100 digits"),
        ("e.json", '{"id": "a", "id": "b"}', "duplicate key 'id'"),
        ("e.yml", "id: " + "[" * 1000 + "]" * 1000 + "\n", "nested more than 100 levels"),
        ("e.yml", "id: " + "1" * 5000 + "\n", "more than 100 digits"),
        ("e.yml", "x" * 2_000_000, "more than the 1000000 allowed"),
    ],
    ids=["json-deep", "json-long", "json-duplicate", "yaml-deep", "yaml-long", "yaml-big"],
)
def test_envelopes_refuse_deep_long_and_big_files(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    raw, envelope, errors = read_envelope(path)
    assert raw is None and envelope is None
    assert len(errors) == 1 and words in str(errors[0]), errors


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode)))
def test_read_envelope_never_raises(tmp_path, data):
    for name in ("e.json", "e.yml"):
        path = tmp_path / name
        path.write_bytes(data)
        _raw, envelope, errors = read_envelope(path)
        assert envelope is not None or errors


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('CATALOGUE_MAX_FILE_SIZE = "500000"', "must be a whole number of bytes above 0"),
        ("CATALOGUE_MAX_FILE_SIZE = 5 * 1000 * 1000 - 5e6", "must be a whole number of bytes"),
        ("CATALOGUE_MAX_FILE_SIZE = 0", "must be a whole number of bytes above 0"),
    ],
)
def test_check_and_process_read_the_limit_as_the_build_does_or_say_why(site, capsys, line, words):
    """One limit everywhere: a value the build would refuse stops them with the setting
    named, instead of a silent 1 MB; a computed one is read as the build reads it."""
    from appel_a_communs.commands import main as command
    from appel_a_communs.submissions.cli import main as submissions

    repo = 'CATALOGUE_GITHUB_REPO = "owner/name"\n'
    (site / "pelicanconf.py").write_text(repo + line + "\n", encoding="utf-8")
    assert command(["check", str(site / "content")]) == 1
    assert submissions(["--root", str(site), "process"]) == 1
    err = capsys.readouterr().err
    assert err.count("CATALOGUE_MAX_FILE_SIZE") == 2 and err.count(words) == 2, err
    assert "Traceback" not in err
    (site / "pelicanconf.py").write_text(repo + "CATALOGUE_MAX_FILE_SIZE = 2_000_000\n")
    assert command(["check", str(site / "content")]) == 0
    (site / "pelicanconf.py").write_text(repo + "CATALOGUE_MAX_FILE_SIZE = 2 * 1024 * 1024\n")
    assert command(["check", str(site / "content")]) == 0


ENGLISH = re.compile(r"[A-Za-z]+(?: [A-Za-z]+){2,}")  # three English-looking words or more


def test_rejection_reports_say_every_yaml_json_and_size_problem_in_french(site, capsys):
    """Every message of ours in a rejection report is translated, those of the strict
    reader (a refused construct, a block text without text), the size limit and the list of
    allowed values included; only PyYAML's own wording may stay English."""
    from appel_a_communs.commands import main as command

    settings = 'CATALOGUE_GITHUB_REPO = "o/n"\nCATALOGUE_MAX_FILE_SIZE = 1500\n'
    english = site.parent / "english"
    shutil.copytree(site, english)  # the same site in English, to compare with
    (site / "pelicanconf.py").write_text(f'DEFAULT_LANG = "fr"\n{settings}', encoding="utf-8")
    (english / "pelicanconf.py").write_text(f'DEFAULT_LANG = "en"\n{settings}', encoding="utf-8")
    head = "type: join\nsubmitted_at: 2026-11-20T10:00:00Z\nsource: form\n"
    envelopes = {
        "big.json": json.dumps({"id": "big", "data": {"note": "x" * 3000}}),
        "glued.yml": f'id: glued\n{head}data:\n  actor: "asso"# a comment\n',
        "flow.yml": f"id: flow\n{head}data:\n  tags: [a,\n  b]\n",
        "key.yml": f"id: key\n{head}data: [?x]\n",
        "block.yml": f"id: block\n{head}data:\n  note: |\n  actor: asso\n",
        "kind.json": json.dumps(
            {
                "id": "kind",
                "type": "register-actor",
                "submitted_at": "2026-11-20T10:00:00Z",
                "source": "form",
                "data": {"name": "Les Amis", "kind": "charity"},
            }
        ),
    }
    reports = {}
    for root in (site, english):
        inbox = root / "submissions" / "inbox"
        inbox.mkdir(parents=True)
        for name, text in envelopes.items():
            (inbox / name).write_text(text, encoding="utf-8")
        process = ["submissions", "--root", str(root), "process", "--today", "2026-11-26"]
        assert command(process) == 0
        capsys.readouterr()
        reports[root] = {
            path.name.split(".")[0]: path.read_text(encoding="utf-8")
            for path in (root / "submissions" / "rejected").glob("*.report.md")
        }
    assert sorted(reports[site]) == sorted(name.split(".")[0] for name in envelopes)
    expected = {
        "big": "is 3",
        "glued": "a comment (#) must be separated",
        "flow": "indented more than its key",
        "key": "'?' followed by text",
        "block": "without text",
        "kind": "`'charity'` is not one of: `'company', 'startup',",
    }
    for name, french in reports[site].items():
        english_report = reports[english][name]
        fr_lines = [line for line in french.splitlines() if line.startswith("- ")]
        en_lines = [line for line in english_report.splitlines() if line.startswith("- ")]
        assert len(fr_lines) == len(en_lines) == 1, french
        (fr,), (en,) = fr_lines, en_lines
        assert expected[name] in en, (name, en)
        assert fr != en, (name, fr)
        message = en.split(": ", 1)[1]
        for phrase in ENGLISH.findall(re.sub(r"'[^']*'|\([^)]*\)", "''", message)):
            assert phrase not in fr, (name, phrase, fr)
        assert " or " not in fr and "invalid" not in fr and "allowed" not in fr, (name, fr)
