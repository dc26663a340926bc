"""Browser tests of the built site, in headless Chromium (Debian ``chromium`` + ``chromium-driver``).

Run by ``make test-site`` (part of ``make test``), after the book build. The site has three
editions, ``_build/html/en/``, ``fr/`` and ``es/`` (``make book``); every check below runs on
each. ``make test-site`` checks every page of every edition (``--site-all-editions``: the
French and Spanish notebook pages are other files, whose figures must be there too); without
that option, all English pages and the French and Spanish pages of :data:`SAMPLE_PAGES`
(home, a notebook, the glossary, search), a quicker run while developing. The checks proper to the editions
(switcher, ``<html lang>``, launch buttons, root redirect) are in ``test_i18n_site.py``. ``make book``
(and ``make test-book``) serve every CDN script from the site itself
(``.ci/offline_assets.py``); these tests check the built site as it is, in a Chromium
that has **no route to the internet** (every host name but localhost fails to resolve),
and fail when a page asks for anything outside the site. Each page is served over HTTP
on localhost and checked for:

- requests to any other host (the site must be self-contained);
- on notebook pages: as many figures as the committed notebook has image outputs, each
  interactive map with its static fallback (shown in print), no ``<Figure size ...>``
  text, no nbval marker and no temporary path of the build machine;
- formulas typeset by MathJax (``mjx-container`` elements) wherever the page has maths;

- JavaScript errors (except the known third-party ones in :data:`KNOWN_JS_ERRORS`);
- images that fail to load, images without alt text, headings out of order;
- internal links (and their ``#fragment``) that do not resolve;
- exercise solutions that do not toggle open; folium maps whose Leaflet container
  does not render; the search page finding a glossary term;
- layout at 200% zoom (no sideways scrolling of the page) and colour contrast and other
  WCAG A/AA rules with axe-core (from the npm registry), for rules listed in
  :data:`AXE_RULES_ENFORCED`;
- page weight and time to first render, written to ``_build/site-report.md``, with the
  2 MB budget (map tiles excluded: they come from a tile server, not from us). Files are
  served gzip-compressed, as GitHub Pages serves them.

Screenshots of every page at desktop and phone widths, and of each whole page at half
scale (``*-full.jpg``), go to ``_build/screenshots/``.
Without ``--site`` these tests are skipped; with ``--site`` and no Chromium they skip,
unless ``GPEC_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns that into a failure.
"""

from __future__ import annotations

import base64
import functools
import gzip
import http.server
import io
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]
BUILT = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
REPORT = ROOT / "_build" / "site-report.md"
CHROMIUM = Path(os.environ.get("GPEC_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("GPEC_CHROMEDRIVER", "/usr/bin/chromedriver"))
PAGE_BUDGET_MB = 2.0

#: Console errors we accept, with the reason. Everything else fails the page.
KNOWN_JS_ERRORS = {
    "favicon.ico": "browsers ask for a favicon the theme does not provide",
    "Identifier 'THEBE_JS_URL' has already been declared": (
        "Jupyter Book 1 includes sphinx-thebe's inline script twice; harmless, live code is off"
    ),
}

#: Generated pages without an article title.
NO_TITLE_PAGES = ("search.html", "genindex.html")

#: axe-core rules whose violations fail a page (serious or critical impact).
AXE_RULES_ENFORCED = (
    "color-contrast",
    "image-alt",
    "document-title",
    "html-has-lang",
    "duplicate-id-aria",
    "link-name",
    "button-name",
    "frame-title",
    "list",
    "listitem",
)


#: Editions of the site, each in ``_build/html/<code>/``.
EDITIONS = ("en", "fr", "es")
#: Pages of the French and Spanish editions checked in the browser by default.
SAMPLE_PAGES = (
    "index.html",
    "notebooks/02_geodata_basics.html",
    "book/glossary.html",
    "search.html",
)


def _pages(*, all_editions: bool = True) -> list[str]:
    """``<lang>/<page>`` of every built page (English and, unless sampled, the others)."""
    site = BUILT  # the offline copy is made from it when the tests start
    if not site.is_dir():
        return ["<site not built>"]
    skip = ("_static", "_sources", "_images", "_sphinx_design_static", "_panels_static")
    pages = []
    for lang in EDITIONS:
        edition = site / lang
        if not edition.is_dir():
            continue
        for path in sorted(edition.rglob("*.html")):
            page = path.relative_to(edition).as_posix()
            if page.startswith(skip):
                continue
            if lang == "en" or all_editions or page in SAMPLE_PAGES:
                pages.append(f"{lang}/{page}")
    return pages or ["<site not built>"]


def pytest_generate_tests(metafunc):
    """Parametrise the page test over the pages of every edition (see the module doc)."""
    if "page" in metafunc.fixturenames:
        every = metafunc.config.getoption("--site-all-editions", default=False)
        metafunc.parametrize("page", _pages(all_editions=every))
    if "edition" in metafunc.fixturenames:
        metafunc.parametrize("edition", EDITIONS)


@pytest.fixture(scope="session")
def offline_site() -> Path:
    """The site exactly as ``make book`` built it (self-contained: no CDN left)."""
    missing = [lang for lang in EDITIONS if not (BUILT / lang / "index.html").is_file()]
    if missing:
        pytest.fail(
            f"The site is not built (no edition {missing}): run `make test-book` (or `make book`) first."
        )
    return BUILT


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files like GitHub Pages does: text compressed with gzip when asked for."""

    def log_message(self, *args):  # keep the test output clean
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        compressible = path.suffix in (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")
        if not (
            path.is_file() and compressible and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="session")
def server(offline_site):
    handler = functools.partial(_GzipHandler, directory=str(offline_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        reason = f"Chromium not installed ({', '.join(missing)}): apt-get install chromium chromium-driver"
        if os.environ.get("GPEC_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--hide-scrollbars",
        "--lang=en",
        # No route to the internet: every host but localhost fails to resolve, so a page
        # that needs a CDN, a font service or map tiles shows it here (and fails below).
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, from the npm registry (cached like the site's assets)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "offline_assets", ROOT / ".ci" / "offline_assets.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    cache = Path.home() / ".cache" / "gpec-npm"
    cache.mkdir(parents=True, exist_ok=True)
    version, tarball, _ = module.resolve_version("axe-core", "4.10", cache)
    target = ROOT / "_build" / "axe"
    path = module.unpack("axe-core", version, tarball, "axe.min.js", target, cache)
    return path.read_text(encoding="utf-8")


def _open(browser, url: str) -> None:
    browser.get(url)
    browser.get_log("browser")  # drop messages of the previous page
    browser.get_log("performance")
    browser.get(url)
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const wait = () => document.readyState === 'complete' ? setTimeout(done, 300) : setTimeout(wait, 50);"
        "wait();"
    )


def _js_errors(browser) -> list[str]:
    errors = []
    for entry in browser.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        if any(known in entry["message"] for known in KNOWN_JS_ERRORS):
            continue
        errors.append(entry["message"])
    return errors


_WEIGHTS: dict[str, tuple[float, float]] = {}


def _page_weight(browser) -> float:
    """Bytes transferred by the page and its iframes (tiles excluded), from the Performance API."""
    script = (
        "const own = performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'));"
        "return own.filter(e => !e.name.includes('tile.openstreetmap.org'))"
        ".reduce((s, e) => s + (e.transferSize || e.encodedBodySize || 0), 0);"
    )
    total = browser.execute_script(script)
    frames = browser.find_elements("css selector", "iframe")
    for frame in frames:
        browser.switch_to.frame(frame)
        total += browser.execute_script(script)
        browser.switch_to.default_content()
    return total / 2**20


NOTEBOOKS = ROOT / "notebooks"
#: Paths of a build machine that must never reach a reader (kernel and temporary folders).
TEMP_PATH_RE = r"(?:/tmp/|/var/folders/|/home/runner/|/work/|/root/|ipykernel_[0-9]+)"


def _committed_outputs(stem: str, lang: str = "en") -> tuple[int, int]:
    """Image outputs and interactive maps that the committed notebook shows on its page."""
    folder = NOTEBOOKS if lang == "en" else NOTEBOOKS / lang
    nb = json.loads((folder / f"{stem}.ipynb").read_text(encoding="utf-8"))
    images = maps = 0
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if {"remove-output", "remove-cell"} & set(tags):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "gpec-map" in "".join(data.get("text/html", "")):
                maps += 1
            elif "image/png" in data or "image/svg+xml" in data:
                images += 1
    return images, maps


def _requests_outside(browser, server: str) -> list[str]:
    """Every URL the page (and its iframes) asked for that is not on the local site."""
    urls = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    own = (server, "data:", "blob:", "about:", "chrome", "devtools")
    return sorted(u for u in urls if not u.startswith(own))


def _typeset_maths(browser) -> list[int]:
    """[maths elements, MathJax-rendered ones] once MathJax has finished (or failed)."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const count = () => done([document.querySelectorAll('main .math').length,"
        " document.querySelectorAll('main mjx-container').length]);"
        "const mj = window.MathJax;"
        "if (!document.querySelector('main .math')) { count(); return; }"
        "if (mj && mj.startup && mj.startup.promise) {"
        " mj.startup.promise.then(count, count); setTimeout(count, 15000); }"
        "else { setTimeout(count, 1000); }"
    )


def _page_content_problems(browser, page: str, lang: str = "en") -> list[str]:
    """Figures, maps, maths and reader noise on one page (``page`` within its edition)."""
    problems = []
    text = browser.execute_script(
        "const m = document.querySelector('main'); return m ? m.textContent : '';"
    )
    if "<Figure size" in text:
        problems.append("a figure is shown as the text '<Figure size ...>' (not drawn)")
    if "NBVAL_" in text:
        problems.append("an nbval test marker is shown to readers (use the cell tag)")
    paths = sorted(set(re.findall(TEMP_PATH_RE + r"[^\s'\"]*", text)))
    if paths:
        problems.append(f"paths of the build machine in the page: {paths[:5]}")
    maths, typeset = _typeset_maths(browser)
    if maths and typeset < maths:
        problems.append(f"{maths - typeset} of {maths} formulas not typeset by MathJax")
    if page.startswith("notebooks/"):
        images, maps = _committed_outputs(Path(page).stem, lang)
        shown = browser.execute_script(
            "return document.querySelectorAll('main .cell_output img:not(.gpec-map-static)').length;"
        )
        if shown != images:
            problems.append(
                f"{shown} figures on the page, {images} image outputs in the committed notebook"
            )
        state = browser.execute_script(
            "return Array.from(document.querySelectorAll('main figure.gpec-map')).map(f => {"
            " const img = f.querySelector('img.gpec-map-static');"
            " return [!!f.querySelector('iframe'), !!img && img.naturalWidth > 0,"
            " !!img && (img.getAttribute('alt') || '').length > 10, !!f.querySelector('figcaption')]; });"
        )
        if len(state) != maps:
            problems.append(f"{len(state)} interactive maps on the page, {maps} in the notebook")
        for index, parts in enumerate(state):
            if not all(parts):
                problems.append(f"map {index}: [iframe, static fallback, alt, caption] = {parts}")
        if maps:  # in print, the static image replaces the live map
            browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
            printed = browser.execute_script(
                "return Array.from(document.querySelectorAll('main figure.gpec-map')).map(f =>"
                " [f.querySelector('img.gpec-map-static').offsetWidth > 0,"
                " f.querySelector('.gpec-map-live').offsetWidth === 0]);"
            )
            browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
            if not all(all(p) for p in printed):
                problems.append(f"in print, [static shown, live map hidden] per map: {printed}")
    return problems


def test_page(browser, server, offline_site, axe_source, page):
    url = f"{server}/{page}"
    lang, page_in_edition = page.split("/", 1)
    # Screenshots first, each from a fresh load at its own width.
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = page.replace("/", "__").removesuffix(".html")
    for width, height, label in ((1280, 900, "desktop"), (390, 844, "phone")):
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": label == "phone"},
        )
        _open(browser, url)
        browser.save_screenshot(str(SHOTS / f"{stem}-{label}.png"))
        if label == "desktop":  # the whole page too, at half scale, for review
            height = min(
                int(browser.execute_script("return document.documentElement.scrollHeight")), 20000
            )
            shot = browser.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "jpeg",
                    "quality": 60,
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 0.5},
                },
            )
            (SHOTS / f"{stem}-full.jpg").write_bytes(base64.b64decode(shot["data"]))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    _open(browser, url)
    problems = _page_content_problems(browser, page_in_edition, lang)
    outside = _requests_outside(browser, server)
    if outside:
        problems.append(f"requests outside the site (it must work offline): {outside[:5]}")

    errors = _js_errors(browser)
    if errors:
        problems.append(f"JavaScript errors: {errors}")

    broken = browser.execute_script(
        "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);"
    )
    if broken:
        problems.append(f"images that do not load: {broken}")
    no_alt = browser.execute_script(
        "return Array.from(document.querySelectorAll('main img')).filter(i => !(i.getAttribute('alt') || '').trim()"
        " && i.getAttribute('role') !== 'presentation').map(i => i.src.slice(0, 80));"
    )
    if no_alt:
        problems.append(f"images without alt text: {no_alt}")

    levels = browser.execute_script(
        "return Array.from(document.querySelectorAll('main article h1, main article h2, main article h3,"
        " main article h4, main article h5, main article h6')).map(h => +h.tagName[1]);"
    )
    if levels.count(1) != 1 and page_in_edition not in NO_TITLE_PAGES:
        problems.append(f"expected one h1 in the article, found {levels.count(1)}")
    jumps = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    if jumps:
        problems.append(f"heading levels skip: {jumps}")

    # Exercise solutions start closed and open on click (sphinx-togglebutton).
    for toggle in browser.find_elements("css selector", ".solution.dropdown .toggle-button"):
        admonition = toggle.find_element("xpath", "ancestor::div[contains(@class, 'dropdown')][1]")
        if "toggle-hidden" not in admonition.get_attribute("class"):
            problems.append(f"solution {admonition.get_attribute('id')} is open before a click")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", toggle)
        toggle.click()
        if "toggle-hidden" in admonition.get_attribute("class"):
            problems.append(f"solution {admonition.get_attribute('id')} does not open")

    # Folium maps: the Leaflet container renders with our layers in it.
    for index, frame in enumerate(browser.find_elements("css selector", "iframe")):
        if "leaflet" not in (frame.get_attribute("srcdoc") or ""):
            continue
        browser.switch_to.frame(frame)
        state = browser.execute_script(
            "const c = document.querySelector('.leaflet-container');"
            "return c ? [c.offsetWidth, c.offsetHeight,"
            " document.querySelectorAll('.leaflet-image-layer, path.leaflet-interactive, .leaflet-marker-icon').length]"
            " : null;"
        )
        browser.switch_to.default_content()
        if not state or state[0] < 100 or state[1] < 100 or state[2] == 0:
            problems.append(f"map {index} does not render (container/layers: {state})")

    # 200% zoom: a 1280 px window shows 640 CSS px; the page must not scroll sideways.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 640, "height": 450, "deviceScaleFactor": 2, "mobile": False},
    )
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth;"
    )
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    if overflow > 2:
        problems.append(f"at 200% zoom the page scrolls sideways by {overflow} px")

    # axe-core: enforced WCAG rules, serious and critical findings only.
    browser.execute_script(axe_source)
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'rule', values: arguments[0]}, iframes: false})"
        ".then(r => done(r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => [v.id, v.nodes.slice(0, 3).map(n => n.target.join(' '))])))"
        ".catch(e => done([['axe-error', [String(e)]]]));",
        list(AXE_RULES_ENFORCED),
    )
    if result:
        problems.append(f"accessibility (axe-core): {result}")

    # Weight and first render, then screenshots at desktop and phone widths.
    weight = _page_weight(browser)
    first_paint = browser.execute_script(
        "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null;"
    )
    _WEIGHTS[page] = (weight, first_paint or float("nan"))
    if weight > PAGE_BUDGET_MB:
        problems.append(f"page weighs {weight:.2f} MB (budget {PAGE_BUDGET_MB} MB without tiles)")

    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


def _anchors(path: Path, cache: dict) -> set[str]:
    if path not in cache:
        text = path.read_text(encoding="utf-8")
        cache[path] = set(re.findall(r'\bid="([^"]+)"', text)) | set(
            re.findall(r'\bname="([^"]+)"', text)
        )
    return cache[path]


def test_internal_links_resolve(offline_site):
    """Every relative link points to a file of the site, and its #fragment exists there."""
    broken, cache = [], {}
    for page in offline_site.rglob("*.html"):
        parts = page.relative_to(offline_site).parts
        if parts[parts[0] in EDITIONS].startswith("_"):  # _static, _sources of an edition
            continue
        text = page.read_text(encoding="utf-8")
        for href in re.findall(r'<a [^>]*href="([^"]+)"', text):
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("mailto:", "//", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(offline_site)} -> {href} (no such file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in _anchors(target, cache)
            ):
                broken.append(f"{page.relative_to(offline_site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def glossary_word(glossary_html: str) -> str:
    """A word of the edition's glossary to search for: from its first term of 6+ letters.

    >>> glossary_word('<dt id="term-x">Aire <b>protégée</b><a class="headerlink">#</a></dt>')
    'protégée'
    """
    from html import unescape

    for term in re.findall(r"<dt\b[^>]*>(.*?)</dt>", glossary_html, flags=re.S):
        text = unescape(re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", " ", term))
        words = [w for w in re.findall(r"\w+", text) if len(w) >= 6 and not w.isdigit()]
        if words:
            return words[0]
    raise AssertionError("the glossary page has no term of six letters or more")


def test_search_finds_a_glossary_term(browser, server, offline_site, edition):
    """Each edition's search (its own index and stemmer) finds a word of its glossary."""
    glossary = (offline_site / edition / "book" / "glossary.html").read_text(encoding="utf-8")
    word = "resistance" if edition == "en" else glossary_word(glossary)
    _open(browser, f"{server}/{edition}/search.html?q={word}")
    links = browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; let n = 0;"
        "const poll = () => { const a = Array.from(document.querySelectorAll('#search-results a')).map(x => x.href);"
        " if (a.length || n++ > 100) done(a); else setTimeout(poll, 100); }; poll();"
    )
    assert any("glossary" in link for link in links), (
        f"{edition}: search for {word!r} found {links}"
    )
    elsewhere = [link for link in links if not link.startswith(f"{server}/{edition}/")]
    assert not elsewhere, f"{edition}: search results outside the edition: {elsewhere[:5]}"


def test_write_page_weight_report(offline_site):
    """Write the table of page weights and first render times (after the page tests)."""
    if not _WEIGHTS:
        pytest.skip("no page was measured (browser tests skipped)")
    lines = ["| page | transfer (MB, no tiles) | first render (ms) |", "|---|---:|---:|"]
    for page, (mb, fcp) in sorted(_WEIGHTS.items()):
        lines.append(f"| {page} | {mb:.2f} | {fcp:.0f} |")
    REPORT.write_text("# Page weight on localhost\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))
    (ROOT / "_build" / "site-report.json").write_text(json.dumps(_WEIGHTS, indent=1))
