"""``submissions fetch publiccode``: the test data of italia/publiccode-parser-go (every
valid file gives an envelope that ``process`` accepts, no invalid file gives one, each
naming the key the parser's own tests name), URLs through a loopback server, reruns,
and arbitrary input.

Calls are built in tmp_path from tests/calls/mobilites."""

from __future__ import annotations

import json
import socketserver
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import REPO, submissions_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appel_a_communs.submissions import publiccode
from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.messages import summary
from appel_a_communs.submissions.process import Processor
from appel_a_communs.submissions.publiccode import parse_publiccode
from appel_a_communs.submissions.publiccode_standard import PubliccodeInvalid, check_publiccode

CORPUS = REPO / "tests" / "corpora" / "publiccode-parser-go"
DATA = CORPUS / "testdata"
EXPECTED = json.loads((CORPUS / "expected-errors.json").read_text(encoding="utf-8"))["invalid"]
MOBILITES = REPO / "tests" / "calls" / "mobilites"
CHALLENGE = "covoiturage-du-quotidien"
ACTOR = "fabrique-communs-valbrune"
TODAY = date(2026, 11, 26)


def rel(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


VALID = sorted(p for p in DATA.glob("v0/valid*/**/*.yml"))
INVALID = sorted(p for p in DATA.rglob("*.yml") if p not in VALID)

NOT_CHECKED = {
    # the file must exist in the software's repository (and be a PNG)
    "v0/invalid/logo_missing_file.yml": "the logo must exist in the repository",
    "v0/invalid/no-network/logo_missing_file.yml": "the logo must exist in the repository",
    "v0/invalid/no-network/logo_invalid_png.yml": "the logo must be a real PNG image",
    "v0/invalid/no-network/monochromeLogo_invalid_png.yml": "the logo must be a real PNG image",
    "v0/invalid/monochromeLogo_missing_file.yml": "the logo must exist in the repository",
    "v0/invalid/description_en_screenshots_missing_file.yml": "the screenshot must exist",
    "v0/invalid/legal_authorsFile_missing_file.yml": "the authors file must exist",
    # the network
    "v0/invalid/logo_missing_url.yml": "the logo's URL must answer",
    "v0/invalid/description_en_videos_invalid_oembed.yml": "an oEmbed provider must serve it",
    # IndicePA's register of Italian administrations (24,000 codes, changing)
    "v0/invalid/organisation_uri_wrong_italian_pa2.yml": "the iPA code must be registered",
    "v0/invalid/fundedBy_uri_wrong_italian_pa2.yml": "the iPA code must be registered",
    "v0/invalid/it_riuso_codiceIPA_invalid.yml": "the iPA code must be registered",
}
ARTEFACTS = {
    # keys the Go parser also names only because its decoder stopped at the type error
    "v0/invalid/maintenance_contractors_invalid_type.yml": {"maintenance.type"},
    **{
        f"v0/invalid/no-network/localisation_localisationReady_yaml11_{word}.yml": {
            "localisation.availableLanguages"
        }
        for word in ("yes", "no", "on", "off")
    },
}


@pytest.fixture
def site(tmp_path) -> Path:
    return submissions_site(tmp_path, MOBILITES)


@pytest.fixture
def bare(tmp_path) -> Path:
    """A site root without content: enough for ``fetch`` (which reads no content), not
    for ``process``; copying the call for each of the 292 invalid files took 6 s."""
    root = tmp_path / "site"
    (root / "submissions" / "inbox").mkdir(parents=True)
    return root


def fetch(site: Path, *sources: str | Path, capsys=None, options=None) -> tuple[int, str]:
    options = ["--challenge", CHALLENGE, "--proposed-by", ACTOR] if options is None else options
    code = main(["--root", str(site), "fetch", "publiccode", *map(str, sources), *options])
    return code, capsys.readouterr().out if capsys else ""


def inbox(site: Path) -> dict[str, dict]:
    return {
        p.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((site / "submissions" / "inbox").glob("*.json"))
    }


def minimal(**changes: object) -> str:
    """valid.minimal.yml of the corpus with top-level keys replaced (YAML text values)."""
    text = (DATA / "v0" / "valid" / "valid.minimal.yml").read_text(encoding="utf-8")
    for key, value in changes.items():
        lines = text.splitlines()
        lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in lines]
        if not any(line.startswith(f"{key}:") for line in lines):
            lines.append(f"{key}: {value}")
        text = "\n".join(lines) + "\n"
    return text


# --- the corpus -------------------------------------------------------------------------


def test_corpus_is_whole():
    """Every file the README counts is here, each invalid one with its expected keys."""
    assert len(VALID) == 41
    assert len(INVALID) == 292
    assert {rel(p) for p in INVALID} == set(EXPECTED)
    assert set(NOT_CHECKED) <= set(EXPECTED)


@pytest.mark.parametrize("path", VALID, ids=rel)
def test_valid_file_gives_an_accepted_common(site, path, capsys):
    code, out = fetch(site, path, capsys=capsys)
    assert code == 0, out
    [(name, envelope)] = inbox(site).items()
    assert envelope["id"].startswith("file-publiccode-github-com-")
    assert envelope["source"] == "file" and envelope["type"] == "propose-common"
    data = envelope["data"]
    assert data["challenges"] == [CHALLENGE] and data["proposed_by"] == [ACTOR]
    assert data["resource_types"] == ["software"]
    assert data["repository"].startswith("https://github.com/")
    outcomes = Processor(site, TODAY).run()
    assert [o.status for o in outcomes] == ["added"], summary(outcomes)
    written = (site / outcomes[0].files[0]).read_text(encoding="utf-8")
    assert f"title: {data['title']}" in written
    assert (site / "submissions" / "processed" / name).exists()


@pytest.mark.parametrize("path", INVALID, ids=rel)
def test_invalid_file_gives_no_envelope(bare, path, capsys):
    site = bare
    name = rel(path)
    code, out = fetch(site, path, capsys=capsys)
    if name in NOT_CHECKED:
        assert code == 0 and len(inbox(site)) == 1, out  # see NOT_CHECKED
        return
    assert code == 1
    assert inbox(site) == {}
    assert f"rejected {path}: not a valid publiccode.yml" in out
    with pytest.raises(PubliccodeInvalid) as caught:
        parse_publiccode(path.read_bytes(), name)
    ours = {p.key for p in caught.value.problems}
    for key in set(EXPECTED[name]) - ARTEFACTS.get(name, set()):
        key = key.replace("[en-US]", ".en-US")
        if key == "":  # the file as a whole (not UTF-8, not YAML): no key to name
            assert "" in ours
            continue
        related = [
            k for k in ours if k == key or k.startswith(key + ".") or key.startswith(k + ".")
        ]
        related += [k for k in ours if k.startswith(key + "[") or key.startswith(k + "[")]
        assert related, f"{key} not named: {sorted(ours)}"
        assert any(f"{k}: " in out for k in related), out


def test_every_faulty_key_named_at_once(site, capsys):
    code, out = fetch(site, DATA / "v0" / "invalid" / "mostly_empty.yml", capsys=capsys)
    assert code == 1
    for key in (
        "name", "url", "platforms", "developmentStatus", "softwareType",
        "description.en-US.shortDescription", "description.en-US.longDescription",
        "description.en-US.features", "legal.license", "maintenance.type",
        "localisation.localisationReady", "localisation.availableLanguages",
    ):  # fmt: skip
        assert f"{key}: " in out, key
    assert "line 5: legal.license: is required" in out


def test_a_bad_file_does_not_stop_the_others(site, capsys):
    good = DATA / "v0" / "valid" / "valid.minimal.yml"
    bad = DATA / "v0" / "invalid" / "legal_license_invalid.yml"
    code, out = fetch(site, bad, site / "missing.yml", good, capsys=capsys)
    assert code == 1
    assert len(inbox(site)) == 1
    assert "legal.license: " in out and "missing.yml" in out and "1 new envelope" in out


def test_the_same_repository_twice_in_one_run_is_refused(site, tmp_path, capsys):
    """Both files name the same url, hence the same envelope: the second would silently
    replace the first in the inbox; it is refused, naming both files, exit 1."""
    first = DATA / "v0" / "valid" / "valid.minimal.yml"
    second = tmp_path / "other.yml"
    text = first.read_text(encoding="utf-8")
    assert text.count("Medusa") == 2  # name and localisedName
    second.write_text(text.replace("Medusa", "Other"), encoding="utf-8")
    code, out = fetch(site, first, second, capsys=capsys)
    assert code == 1, out
    [envelope] = inbox(site).values()
    assert envelope["data"]["title"] == "Medusa"  # the first one, not replaced
    assert "1 new envelope" in out and out.count(envelope["id"]) == 2, out
    assert f"refused {second}: its url " in out and f"as {first} did earlier" in out
    # the same file named twice: refused likewise; alone, the second file is fine
    code, out = fetch(site, first, first, capsys=capsys)
    assert code == 1 and f"refused {first}: " in out and "unchanged" in out
    assert fetch(site, second)[0] == 0
    assert [e["data"]["title"] for e in inbox(site).values()] == ["Other"]


# --- valid for the Standard, refused for reasons of ours ---------------------------------


OURS = {
    # SPDX lets a file name its own licence; a common's licence is a known SPDX expression
    "licence-ref": ("license: AGPL-3.0-or-later", "license: LicenseRef-Medusa", "license"),
    # a git:// repository is a URL for the Standard; a common's repository is http(s)
    "git-url": (
        'url: "https://github.com/italia/developers.italia.it.git"',
        'url: "git://git.example.org/medusa.git"',
        "repository",
    ),
}


@pytest.mark.parametrize("case", sorted(OURS))
def test_valid_publiccode_refused_for_a_reason_of_ours(site, tmp_path, case):
    old, new, field = OURS[case]
    text = (DATA / "v0" / "valid" / "valid.minimal.yml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "publiccode.yml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    parse_publiccode(path.read_bytes(), "publiccode.yml")  # valid for the Standard
    assert fetch(site, path)[0] == 0
    outcomes = Processor(site, TODAY).run()
    assert [o.status for o in outcomes] == ["rejected"]
    assert [e.field for e in outcomes[0].errors] == [field]
    assert field in summary(outcomes)


def test_without_challenge_and_proposer_process_names_both(site):
    assert fetch(site, DATA / "v0" / "valid" / "valid.minimal.yml", options=[])[0] == 0
    [envelope] = inbox(site).values()
    assert "challenges" not in envelope["data"] and "proposed_by" not in envelope["data"]
    outcomes = Processor(site, TODAY).run()
    assert outcomes[0].status == "rejected"
    fields = {e.field for e in outcomes[0].errors}
    assert {"challenges", "proposed_by"} <= {f.split(" ")[0] for f in fields}, fields
    text = summary(outcomes)
    assert "challenges" in text and "proposed_by" in text


def test_unknown_challenge_is_refused(site):
    path = DATA / "v0" / "valid" / "valid.minimal.yml"
    assert fetch(site, path, options=["--challenge", "nope", "--proposed-by", ACTOR])[0] == 0
    outcomes = Processor(site, TODAY).run()
    assert outcomes[0].status == "rejected"
    assert "nope" in summary(outcomes)


# --- the mapping --------------------------------------------------------------------------


LONG_FR = "Une description longue en français. " * 6


def with_description(tmp_path: Path, language: str, lines: str) -> Path:
    """valid.yml (no-network) with a description in ``language`` before the English one."""
    text = (DATA / "v0" / "valid" / "no-network" / "valid.yml").read_text(encoding="utf-8")
    text = text.replace(
        "description:\n  en:\n",
        f"description:\n  {language}:\n{lines}"
        f"    longDescription: {LONG_FR}\n    features:\n      - Marche bien\n  en:\n",
    )
    path = tmp_path / "publiccode.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mapping_in_the_calls_language(site, tmp_path):
    lines = "    localisedName: Méduse\n    shortDescription: Un logiciel vraiment intéressant.\n"
    assert fetch(site, with_description(tmp_path, "fr", lines))[0] == 0
    long_fr = LONG_FR
    [envelope] = inbox(site).values()
    data = envelope["data"]
    assert data["title"] == "Méduse"
    assert data["summary"] == "Un logiciel vraiment intéressant."
    assert data["body"] == long_fr.strip() + "\n\n- Marche bien\n"
    assert data["maturity"] == "prototype"  # developmentStatus: development
    assert data["website"] == "https://developers.italia.it"
    assert data["license"] == "AGPL-3.0-or-later"
    assert data["tags"][:2] == ["standalone/other", "accounting"]
    assert envelope["id"] == "file-publiccode-github-com-italia-developers-italia-it"


def test_a_regional_description_for_the_calls_language(site, tmp_path):
    """A French call, descriptions in en and fr-FR: fr-FR (same primary subtag) wins over
    the English fallback."""
    (site / "pelicanconf.py").write_text(
        'DEFAULT_LANG = "fr"\nCATALOGUE_GITHUB_REPO = "org/appel"\n', encoding="utf-8"
    )
    path = with_description(tmp_path, "fr-FR", "    shortDescription: Un logiciel de France.\n")
    assert fetch(site, path)[0] == 0
    [envelope] = inbox(site).values()
    assert envelope["data"]["summary"] == "Un logiciel de France."
    assert envelope["data"]["body"] == LONG_FR.strip() + "\n\n- Marche bien\n"


def test_english_when_the_calls_language_is_missing(site):
    (site / "pelicanconf.py").write_text(
        'DEFAULT_LANG = "de"\nCATALOGUE_GITHUB_REPO = "org/appel"\n', encoding="utf-8"
    )
    assert fetch(site, DATA / "v0" / "valid" / "no-network" / "valid.yml")[0] == 0
    [envelope] = inbox(site).values()
    assert envelope["data"]["summary"] == "A really interesting software."
    assert envelope["data"]["body"].endswith("- Solves all the problems of the world\n")


@pytest.mark.parametrize(
    ("status", "maturity"),
    [("concept", "idea"), ("development", "prototype"), ("beta", "beta"),
     ("stable", "stable"), ("obsolete", "obsolete")],
)  # fmt: skip
def test_maturity_from_development_status(site, tmp_path, status, maturity):
    path = tmp_path / "publiccode.yml"
    path.write_text(minimal(developmentStatus=status), encoding="utf-8")
    assert fetch(site, path)[0] == 0
    [envelope] = inbox(site).values()
    assert envelope["data"]["maturity"] == maturity


# --- reruns -------------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def later(monkeypatch):
    """Make "now" a later time for the fetches that follow: a new submitted_at would show
    (instead of sleeping a second)."""

    def later_now():
        class Later(datetime):
            @classmethod
            def now(cls, tz=None):
                return datetime(2031, 1, 2, 3, 4, 5, tzinfo=tz or UTC)

        monkeypatch.setattr(publiccode, "datetime", Later)

    return later_now


def test_running_twice_writes_nothing_new(site, capsys, later):
    path = DATA / "v0" / "valid" / "valid.yml"
    assert fetch(site, path)[0] == 0
    before = tree(site)
    later()  # a new submitted_at would show
    code, out = fetch(site, path, capsys=capsys)
    assert code == 0 and "0 new envelope" in out and "unchanged" in out
    assert tree(site) == before
    Processor(site, TODAY).run()
    after_process = tree(site)
    assert fetch(site, path)[0] == 0
    assert tree(site) == after_process  # accepted already: nothing back in the inbox


def test_a_rejected_envelope_is_not_resubmitted(site, later):
    path = DATA / "v0" / "valid" / "valid.minimal.yml"
    assert fetch(site, path, options=[])[0] == 0
    Processor(site, TODAY).run()  # rejected: no challenge, no proposer
    before = tree(site)
    later()
    assert fetch(site, path, options=[])[0] == 0
    assert tree(site) == before


# --- URLs ---------------------------------------------------------------------------------


def test_url_200(site, httpserver, capsys):
    body = (DATA / "v0" / "valid" / "valid.yml").read_bytes()
    httpserver.expect_request("/publiccode.yml").respond_with_data(body)
    code, out = fetch(site, httpserver.url_for("/publiccode.yml"), capsys=capsys)
    assert code == 0 and "1 new envelope" in out
    assert len(inbox(site)) == 1


def test_url_404(site, httpserver, capsys):
    httpserver.expect_request("/publiccode.yml").respond_with_data("no", status=404)
    url = httpserver.url_for("/publiccode.yml")
    code, out = fetch(site, url, capsys=capsys)
    assert code == 1 and f"{url} answered HTTP 404" in out
    assert inbox(site) == {}


def test_url_unreachable(site, httpserver, capsys):
    url = httpserver.url_for("/publiccode.yml")
    httpserver.stop()
    try:
        code, out = fetch(site, url, capsys=capsys)
    finally:
        httpserver.start()
    assert code == 1 and f"could not reach {url}: ConnectionError" in out


def test_url_too_slow(site, httpserver, monkeypatch, capsys):
    monkeypatch.setattr(publiccode, "TIMEOUT", 0.3)

    def slow(request):
        time.sleep(1.5)
        from werkzeug import Response

        return Response("name: late\n")

    httpserver.expect_request("/publiccode.yml").respond_with_handler(slow)
    url = httpserver.url_for("/publiccode.yml")
    started = time.monotonic()
    code, out = fetch(site, url, capsys=capsys)
    assert time.monotonic() - started < 1.4
    assert code == 1 and f"could not reach {url}: ReadTimeout" in out


class _Hostile(socketserver.BaseRequestHandler):
    """Answers 200 with a body that never ends: /drip a byte every 0.05 s (every socket
    read gets something, so no read timeout trips), /endless 64 KiB blocks as fast as it
    can, no Content-Length. Stops after 15 s so that a broken guard fails, not hangs."""

    def handle(self):
        drip = self.request.recv(65536).startswith(b"GET /drip ")
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/yaml\r\n\r\nname: x\n")
        stop = time.monotonic() + 15
        try:
            while time.monotonic() < stop:
                if drip:
                    self.request.sendall(b"#")
                    time.sleep(0.05)
                else:
                    self.request.sendall(b"#" * 65536)
        except OSError:
            return  # the client gave up: what it should do


@pytest.fixture
def hostile() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "why"),
    [("/drip", "took more than 1 s to answer"), ("/endless", "answered more than ")],
)
def test_an_answer_that_never_ends_is_cut(bare, hostile, monkeypatch, capsys, path, why):
    """requests' timeout is per socket read: a server dripping bytes never trips it. The
    whole read of one URL has a deadline (DEADLINE) and a size cap (MAX_SIZE)."""
    monkeypatch.setattr(publiccode, "TIMEOUT", 0.5)
    monkeypatch.setattr(publiccode, "DEADLINE", 1)
    url = f"http://127.0.0.1:{hostile.server_address[1]}{path}"
    started = time.monotonic()
    code, out = fetch(bare, url, capsys=capsys)
    assert time.monotonic() - started < 5, out
    assert code == 1 and f"could not read: {url} {why}" in out, out
    assert inbox(bare) == {}


def test_url_not_utf8(site, httpserver, capsys):
    body = (DATA / "v0" / "invalid" / "file_encoding.yml").read_bytes()
    httpserver.expect_request("/publiccode.yml").respond_with_data(body)
    url = httpserver.url_for("/publiccode.yml")
    code, out = fetch(site, url, capsys=capsys)
    assert code == 1 and f"rejected {url}" in out and "is not UTF-8 text" in out
    assert inbox(site) == {}


def test_url_too_big(site, httpserver, capsys):
    body = b"name: x\n" + b"# padding\n" * (publiccode.MAX_SIZE // 10 + 10)
    httpserver.expect_request("/publiccode.yml").respond_with_data(body)
    url = httpserver.url_for("/publiccode.yml")
    code, out = fetch(site, url, capsys=capsys)
    assert code == 1 and f"{url} answered more than {publiccode.MAX_SIZE} bytes" in out


def test_local_file_too_big(site, tmp_path, capsys):
    path = tmp_path / "big.yml"
    path.write_bytes(b"#" * (publiccode.MAX_SIZE + 1))
    code, out = fetch(site, path, capsys=capsys)
    assert code == 1 and "is over" in out


def test_other_schemes_are_refused(site, capsys):
    code, out = fetch(site, "ftp://example.org/publiccode.yml", capsys=capsys)
    assert code == 1 and "only local files and http(s) URLs" in out


# --- anything in, no traceback ------------------------------------------------------------


@pytest.mark.parametrize("error", [MemoryError, RecursionError])
def test_no_traceback_even_out_of_memory(bare, monkeypatch, capsys, error):
    """No path is known to reach them (inputs are capped, YAML depth is limited): if one
    does, the command says so and exits 1."""
    from appel_a_communs.submissions import cli

    def boom(*args, **kwargs):
        raise error()

    monkeypatch.setattr(cli, "fetch_publiccode", boom)
    code = main(["--root", str(bare), "fetch", "publiccode", "x.yml"])
    err = capsys.readouterr().err
    assert code == 1 and f"submissions: {error.__name__}: an input is too large" in err


_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.dates()
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
_VALID_DATA = parse_publiccode((DATA / "v0" / "valid" / "valid.yml").read_bytes(), "valid.yml")


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


_PATHS = [p for p in _paths(_VALID_DATA) if p]


def _replace(data, path, value):
    if len(path) == 1:
        data[path[0]] = value
        return
    _replace(data[path[0]], path[1:], value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_PATHS), _values)
def test_any_value_anywhere_gives_problems_not_a_traceback(path, value):
    data = json.loads(json.dumps(_VALID_DATA, default=str))
    data["releaseDate"] = date(2017, 4, 15)
    _replace(data, path, value)
    for problem in check_publiccode(data):
        assert isinstance(problem.key, str) and problem.message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_any_bytes_give_a_mapping_or_problems(raw):
    try:
        result = parse_publiccode(raw, "fuzz.yml")
    except PubliccodeInvalid as exc:
        assert exc.problems
    else:
        assert isinstance(result, dict)


@settings(max_examples=100, deadline=None)
@given(_values)
def test_any_document_gives_problems(value):
    problems = check_publiccode(value if isinstance(value, dict) else {"name": value})
    assert problems  # nothing random is a whole publiccode.yml


@pytest.mark.parametrize(
    ("short", "valid"),
    [("a" * 150, True), ("a" * 151, False), ("e\u0301" * 150, True), ("e\u0301" * 151, False)],
    ids=["150", "151", "150-graphemes", "151-graphemes"],
)
def test_short_description_at_most_150_characters(tmp_path, short, valid):
    text = (DATA / "v0" / "valid" / "valid.minimal.yml").read_text(encoding="utf-8")
    start = text.index("    shortDescription: >")
    end = text.index("    longDescription:")
    raw = (text[:start] + f"    shortDescription: {short}\n" + text[end:]).encode()
    if valid:
        parse_publiccode(raw, "publiccode.yml")
    else:
        with pytest.raises(PubliccodeInvalid) as caught:
            parse_publiccode(raw, "publiccode.yml")
        keys = [p.key for p in caught.value.problems]
        assert keys == ["description.en-GB.shortDescription"]
