"""Build the site, serve it on loopback only, open every page in headless Chromium.

Fails on console errors, page errors, failed requests, requests leaving 127.0.0.1 and
broken internal links; saves one screenshot per page to ``$TTV_SITE_ARTIFACTS``
(default: a temporary folder). Uses Debian's /usr/bin/chromium; never downloads a browser.
Set ``TTV_SITE_DIR`` to a site already built with ``mkdocs build --strict`` to skip the build.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlparse
from urllib.request import urlopen

import pytest

from .conftest import REPO

CHROMIUM = os.environ.get("TTV_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytest.importorskip("mkdocs", reason="the site extra (ttv-ownership[site]) is not installed")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser extra (ttv-ownership[browser]) is not installed"
)
if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"{CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    prebuilt = os.environ.get("TTV_SITE_DIR")
    if prebuilt and (Path(prebuilt) / "index.html").is_file():
        out = Path(prebuilt)  # CI built it with `mkdocs build --strict` just before
    else:
        out = tmp_path_factory.mktemp("site")
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", DISABLE_MKDOCS_2_WARNING="true")
        build = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert build.returncode == 0, build.stdout + build.stderr
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    host, port = server.server_address[:2]
    assert ipaddress.ip_address(host).is_loopback, host
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield out, f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def _pages(site: Path, base: str) -> list[str]:
    urls = []
    for html in sorted(site.rglob("index.html")):
        rel = html.parent.relative_to(site).as_posix()
        urls.append(base if rel == "." else f"{base}{rel}/")
    return urls


def _artifacts(tmp_path: Path) -> Path:
    out = Path(os.environ.get("TTV_SITE_ARTIFACTS") or tmp_path / "screenshots")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return out


def test_every_page_loads_cleanly_in_chromium(served, tmp_path):
    site, base = served
    urls = _pages(site, base)
    assert len(urls) >= 10 and base in urls
    shots = _artifacts(tmp_path)
    problems: list[str] = []
    links: set[str] = set()
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        outside: list[str] = []

        def guard(route):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        current = {"url": ""}
        page.on(
            "console",
            lambda m: (
                problems.append(f"{current['url']}: console {m.type}: {m.text}")
                if m.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(f"{current['url']}: page error: {e}"))
        page.on(
            "requestfailed",
            lambda r: problems.append(f"{current['url']}: request failed: {r.url} {r.failure}"),
        )
        page.on(
            "response",
            lambda r: (
                problems.append(f"{current['url']}: HTTP {r.status} {r.url}")
                if r.status >= 400
                else None
            ),
        )

        def leave() -> None:
            """Let the page's late requests (the favicon, which Chromium fetches after
            "load") finish before the next navigation or the close: cut short, they fail as
            net::ERR_ABORTED, which is not a fault of the site (a missing file is a 404)."""
            page.wait_for_load_state("networkidle")

        for url in urls:
            current["url"] = url
            response = page.goto(url, wait_until="load")
            assert response is not None and response.ok, url
            diagrams = page.locator("pre.mermaid").count()
            if diagrams:
                # the vendored mermaid must render every diagram, offline: Material swaps each
                # <pre class="mermaid"> for a <div class="mermaid"> holding the SVG in a
                # closed shadow root, so count the swaps
                page.wait_for_function(
                    f"() => document.querySelectorAll('div.mermaid').length === {diagrams}"
                    " && !document.querySelector('pre.mermaid')",
                    timeout=30_000,
                )
                box = page.locator("div.mermaid").first.bounding_box()
                assert box is not None and box["height"] > 50, f"{url}: diagram not drawn"
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
            for href in hrefs:
                target, _ = urldefrag(urljoin(url, href))
                if target.startswith(base):
                    links.add(target)
            name = re.sub(r"[^A-Za-z0-9]+", "_", url[len(base) :]).strip("_") or "index"
            page.screenshot(path=str(shots / f"{name}.png"))
            leave()
        # task lists render as checkboxes, not literal "[ ]"
        current["url"] = base + "takeover/"
        page.goto(current["url"], wait_until="load")
        assert page.locator("article li.task-list-item").count() >= 5
        assert "[ ]" not in page.locator("article").inner_text()
        leave()
        # the swap report's table names real cells, as the JSON does
        swap_json = REPO / "reports" / "swap.json"
        if swap_json.is_file():
            import json

            cells = json.loads(swap_json.read_text())["cells"]
            current["url"] = base + "reports/swap/"
            page.goto(current["url"], wait_until="load")
            rows = page.locator("article table tbody tr").all_inner_texts()
            assert len(rows) == len(cells), (len(rows), len(cells))
            assert not any("None" in r for r in rows), rows[:3]
            single = next(c for c in cells if c["group"] not in ("all-stub", "pairwise"))
            slot, name = next(iter(single["use"].items()))
            assert any(f"{slot} = {name}" in r and single["status"] in r for r in rows), rows[:5]
            leave()
        # the repair catalog is searchable: Material's offline search finds a code
        current["url"] = base + "repair-catalog/"
        page.goto(current["url"], wait_until="load")
        page.locator("label.md-search__icon, .md-search__input").first.click()
        # wait until the search worker has built its index, then type the query
        page.wait_for_function(
            "() => { const m = document.querySelector('.md-search-result__meta');"
            " return m && /type to start/i.test(m.textContent); }",
            timeout=120_000,
        )
        box = page.locator("input.md-search__input")
        box.focus()
        page.keyboard.type("E001")  # Material searches on key events, not on fill()
        page.wait_for_selector(".md-search-result__item", timeout=60_000)
        found = page.locator(".md-search-result__item").all_inner_texts()
        assert any("TTV-E001" in t for t in found[:3]), [t[:80] for t in found[:3]]
        page.screenshot(path=str(shots / "search_TTV-E001.png"))
        leave()
        browser.close()
    broken = []
    for link in sorted(links):
        try:
            with urlopen(link, timeout=10) as resp:
                if resp.status >= 400:
                    broken.append(f"{link} -> {resp.status}")
        except HTTPError as exc:
            broken.append(f"{link} -> {exc.code}")
    assert outside == [], f"requests left 127.0.0.1: {outside[:5]}"
    assert problems == [], "\n".join(problems[:20])
    assert broken == [], "broken internal links:\n" + "\n".join(broken[:20])
    assert len(list(shots.glob("*.png"))) == len(urls) + 1


#: Open every shadow root: Material draws each mermaid SVG in a closed one, out of reach of
#: the page's own queries. Test-only, in a context of its own.
OPEN_SHADOWS = (
    "{ const attach = Element.prototype.attachShadow;"
    "  Element.prototype.attachShadow = function (init) {"
    "    return attach.call(this, { ...init, mode: 'open' }); }; }"
)
#: Per diagram: how the SVG is scaled into the page and the smallest label as drawn (the
#: label's computed font size times that scale), and whether anything scrolls sideways.
MEASURE = """() => {
  const article = document.querySelector("article").getBoundingClientRect();
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    articleRight: article.right,
    diagrams: [...document.querySelectorAll("div.mermaid")].map((d) => {
      const svg = d.shadowRoot && d.shadowRoot.querySelector("svg");
      if (!svg) return null;
      const box = svg.getBoundingClientRect();
      const scale = box.width / svg.viewBox.baseVal.width;
      const labels = [...svg.querySelectorAll(".nodeLabel, .edgeLabel, text")]
        .filter((e) => e.textContent.trim());
      const px = labels.map((e) => parseFloat(getComputedStyle(e).fontSize) * scale);
      const small = labels.filter((e, i) => px[i] < 12).map((e) => e.textContent.trim());
      // labels drawn over one another (innermost label elements, empty boxes left out)
      const leaves = labels.filter((e) => !labels.some((o) => o !== e && e.contains(o)))
        .map((e) => [e.textContent.trim(), e.getBoundingClientRect()])
        .filter(([, r]) => r.width > 0 && r.height > 0);
      const overlaps = [];
      leaves.forEach(([a, ra], i) => leaves.slice(i + 1).forEach(([b, rb]) => {
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > 1 && h > 1) overlaps.push(`${a} / ${b}`);
      }));
      return { labels: labels.length, minPx: Math.min(...px), small, overlaps,
               right: box.right, sideways: d.scrollWidth > d.clientWidth + 1 };
    }),
  };
}"""


def test_topology_is_legible_at_1280px(served, tmp_path):
    """Every node and edge label of every topology diagram is drawn at 12 px or more in a
    1280x800 window, no two labels overlap, and no diagram is wider than the content column."""
    from ttv_contracts.v1 import CLUSTER_NAMES, SLOTS

    site, base = served
    expected = (
        (site / "architecture" / "topology" / "index.html")
        .read_text()
        .count('<pre class="mermaid"')
    )
    assert expected >= 1 + len(CLUSTER_NAMES)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(OPEN_SHADOWS)
        page = context.new_page()
        page.goto(base + "architecture/topology/", wait_until="load")
        page.wait_for_function(
            f"() => document.querySelectorAll('div.mermaid').length === {expected} && "
            "[...document.querySelectorAll('div.mermaid')].every("
            "  (d) => d.shadowRoot && d.shadowRoot.querySelector('svg'))",
            timeout=60_000,
        )
        got = page.evaluate(MEASURE)
        shots = Path(os.environ.get("TTV_SITE_ARTIFACTS") or tmp_path) / "legibility"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "topology_1280x800.png"), full_page=True)
        text = page.locator("article").inner_text()
        browser.close()
    assert got["scrollWidth"] <= got["innerWidth"], "the page scrolls sideways"
    assert all(d is not None for d in got["diagrams"]), "a diagram has no SVG"
    for i, d in enumerate(got["diagrams"]):
        assert d["labels"] >= 3, f"diagram {i}: {d['labels']} labels"
        assert d["small"] == [] and d["minPx"] >= 12, f"diagram {i}: {d}"
        assert d["overlaps"] == [], f"diagram {i}: labels drawn over each other"
        assert d["right"] <= got["articleRight"] + 1 and not d["sideways"], f"diagram {i}: {d}"
    for slot in SLOTS:  # every slot is named in a diagram or the table beside them
        assert slot in text


def test_a_module_page_shows_version_changelog_dependencies_size_and_example(served):
    """Issue 15's per-package facts, as a reader sees them, for one module."""
    from ttv_ownership.deptree import normalize
    from ttv_ownership.release import latest_release, readme_example
    from ttv_ownership.workspace import Workspace

    _site, base = served
    pkg = next(
        p
        for p in Workspace(REPO).packages
        if p.rel.startswith("packages/") and readme_example(p) and latest_release(p)
    )
    direct = [normalize(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in pkg.dependencies]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{base}modules/{pkg.key}/", wait_until="load")
        article = page.locator("article")
        text = article.inner_text()
        headings = article.locator("h2, h3, h4").all_inner_texts()
        tree = article.locator("h3#dependency-tree ~ ul").first.inner_text()
        example = article.locator("h3#example + p + div pre, h3#example ~ div pre").first
        example_text = example.inner_text()
        browser.close()
    assert f"version {pkg.version}" in text  # the one version source
    assert any(h.startswith("Changelog") for h in headings)
    assert f"Newest release {latest_release(pkg).version}" in text
    assert any(h.startswith("Dependency tree") for h in headings)
    for name in direct:  # every direct dependency heads a branch of the tree
        assert re.search(rf"^{re.escape(name)} \S+ ", tree, re.M), (name, tree[:300])
    assert re.search(r"Installed size of the package itself: \d+ KiB", text)
    assert re.search(r"In all \d+ distributions, [\d.]+ (KiB|MiB) with the package itself", text)
    first_line = next(ln for ln in readme_example(pkg).splitlines() if ln.strip())
    assert first_line.strip() in example_text
