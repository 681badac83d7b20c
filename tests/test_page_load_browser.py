"""Loading the pages in Chromium, as a Lighthouse audit does: no request fails (the
favicon included, which the browser asks for by itself), and nothing moves as a page
loads (cumulative layout shift under 0.1, the catalogue's filters included).

The sites are served under a sub-path, as GitHub Pages serves a project site
(``https://owner.github.io/repo/``): a request for the host's root ``/favicon.ico`` is a
404 there. The server records every request it answers, since the browser's own favicon
request is not one of the page's requests that Playwright reports; it also delays scripts,
as a slow network does, so that the first paint comes before they run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import SAMPLE, build_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PREFIX = "/depot"
SCRIPT_DELAY = 0.4
"""Seconds the server waits before sending a script."""
PAGES = {
    "home": "",
    "catalogue": "communs/",
    "common": "communs/registre-trajets-covoiturage/",
    "challenge": "defis/covoiturage-du-quotidien/",
    "actor": "acteurs/metropole-valbrune/",
    "funding": "financement/",
    "page": "a-propos/",
    "challenges": "defis/",
    "actors": "acteurs/",
    "needs": "besoins/",
    "open data": "donnees/",
    "forms": "contribuer/",
    "form": "contribuer/engagement/",
}
VIEWPORTS = {
    # The screens of Lighthouse's emulated phone (Moto G Power) and of its desktop. Not
    # Playwright's is_mobile/has_touch: its touch emulation counts as a recent input, and
    # shifts right after an input are not counted.
    "mobile": {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75},
    "desktop": {"viewport": {"width": 1350, "height": 940}},
}
CLS_LIMIT = 0.1
COMMONS = list((SAMPLE / "commons").glob("*.md"))


class Server:
    """A folder served under PREFIX on a free loopback port; nothing outside PREFIX
    exists. ``log`` holds (path, status) of every request answered."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.log: list[tuple[str, int]] = []
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.folder), **kwargs)

            def log_request(self, code="-", size="-") -> None:
                server.log.append((self.requested, int(code)))

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.requested = self.path
                if not self.path.startswith(f"{PREFIX}/"):
                    self.send_error(404)
                    return
                self.path = self.path.removeprefix(PREFIX)
                if self.path.split("?", 1)[0].endswith(".js"):
                    time.sleep(SCRIPT_DELAY)
                super().do_GET()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"{self.origin}{PREFIX}"

    @contextmanager
    def running(self) -> Iterator[Server]:
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()
            thread.join(timeout=5)


@pytest.fixture(scope="module")
def relative_server(sample_site: Path) -> Iterator[Server]:
    """The sample call as `pelican` builds it (relative URLs)."""
    server = Server()
    server.folder = sample_site
    with server.running():
        yield server


@pytest.fixture(scope="module")
def published_server(tmp_path_factory) -> Iterator[Server]:
    """The sample call as `pelican -s publishconf.py` builds it for a project site:
    absolute URLs under SITEURL, which has a path."""
    server = Server()
    output = tmp_path_factory.mktemp("subpath") / "output"
    server.folder = build_site(SAMPLE, output, SITEURL=server.url, RELATIVE_URLS=False)
    with server.running():
        yield server


@contextmanager
def fresh_page(browser: Browser, **options) -> Iterator[Page]:
    """A page in its own context: nothing cached from another page (the favicon either)."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def wait_for(condition, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def failed_requests(browser: Browser, server: Server, path: str) -> list[str]:
    """The requests that fail when a fresh page loads ``path`` and its icon."""
    server.log.clear()
    failed: list[str] = []
    with fresh_page(browser) as page:
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
        response = page.goto(f"{server.url}/{path}", wait_until="load")
        assert response and response.status == 200, path
        icon = page.evaluate("document.querySelector('link[rel~=icon]')?.href")
        assert icon and icon.startswith(f"{server.url}/"), f"{path}: icon {icon}"
        icon_path = icon.removeprefix(server.origin)
        # The browser asks for the icon by itself, once the page has loaded.
        asked = wait_for(lambda: any(p == icon_path for p, _ in server.log))
        assert asked, f"{path}: the browser never asked for {icon_path}: {server.log}"
        fetched = page.request.get(icon)
        assert fetched.headers["content-type"] == "image/svg+xml", fetched.headers
        assert fetched.body().startswith(b"<svg ")
        time.sleep(0.2)  # time for a late request, such as /favicon.ico, to arrive
    return failed + [f"{status} {p}" for p, status in server.log if status >= 400]


@pytest.mark.parametrize("build", ["relative", "published"])
def test_no_request_fails_on_any_kind_of_page(request, browser: Browser, build: str) -> None:
    server: Server = request.getfixturevalue(f"{build}_server")
    failed = {kind: failed_requests(browser, server, path) for kind, path in PAGES.items()}
    assert {kind: requests for kind, requests in failed.items() if requests} == {}


# Entries of the 'layout-shift' type since the page started (buffered), those right
# after an input left out, as the CLS metric counts them; read once the page is still.
CLS = """() => new Promise(resolve => {
  let cls = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) cls += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => resolve(cls), 300)));
})"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_do_not_move_as_they_load(browser: Browser, relative_server: Server, viewport: str):
    shifts = {}
    for kind, path in PAGES.items():
        with fresh_page(browser, **VIEWPORTS[viewport]) as page:
            page.goto(f"{relative_server.url}/{path}", wait_until="load")
            if kind == "catalogue":  # the script has run and shown the filters
                assert page.locator("form.filters").is_visible()
                assert page.locator("#filter-count").inner_text().endswith(f" {len(COMMONS)}")
            shifts[kind] = page.evaluate(CLS)
    assert {kind: cls for kind, cls in shifts.items() if cls >= CLS_LIMIT} == {}, shifts


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_shared_url_filters_the_catalogue_without_moving_the_filters(
    browser: Browser, relative_server: Server, viewport: str
) -> None:
    """The cards a shared URL filters out are hidden as the page loads: the cards after
    them move up (a shift of about 0.06 on the desktop), the filters above them stay."""
    with fresh_page(browser, **VIEWPORTS[viewport]) as page:
        page.goto(f"{relative_server.url}/communs/?status=open", wait_until="load")
        form = page.locator("form.filters")
        before = form.bounding_box()
        assert page.locator("#filter-status").input_value() == "open"
        assert page.evaluate(CLS) < CLS_LIMIT
        assert form.bounding_box() == before
