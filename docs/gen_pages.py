"""mkdocs-gen-files script: every generated page comes from ttv_ownership.site at build time."""

from pathlib import Path

import mkdocs_gen_files
from ttv_ownership.site import pages

ROOT = Path(__file__).resolve().parent.parent


def _capacity_page() -> str:
    """reports/capacity.md: the capacity plan, recomputed from reports/bench.json and the run
    reports at every build (bench/capacity.py)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "ttv_bench_capacity", ROOT / "bench" / "capacity.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.page(ROOT)


def _options_page() -> str:
    """options.md: every installed implementation's options, from its options model."""
    from ttv_integration.options_catalog import options_catalog, options_page

    return options_page(options_catalog())


_pages = pages(ROOT)
_pages["reports/capacity.md"] = _capacity_page()
_pages["options.md"] = _options_page()
_options_nav = "- [Implementation options](options.md)\n"
_before = "- [Repair catalog](repair-catalog.md)\n"
_summary = _pages.get("SUMMARY.md", "")
if _options_nav not in _summary:
    _pages["SUMMARY.md"] = (
        _summary.replace(_before, _options_nav + _before)
        if _before in _summary
        else _summary + _options_nav
    )
_bench_nav = "    - [Benchmarks](reports/bench.md)\n"
if _bench_nav in _pages.get("SUMMARY.md", ""):
    _pages["SUMMARY.md"] = _pages["SUMMARY.md"].replace(
        _bench_nav, _bench_nav + "    - [Capacity plan](reports/capacity.md)\n"
    )

for rel, text in _pages.items():
    with mkdocs_gen_files.open(rel, "w") as fh:
        fh.write(text)

# Pictures the report pages link to (reports/watermark.md shows its 4x sky crop).
for _png in ("watermark-sky-4x.png",):
    if (ROOT / "reports" / _png).is_file():
        with mkdocs_gen_files.open(f"reports/{_png}", "wb") as fh:
            fh.write((ROOT / "reports" / _png).read_bytes())

# Contact sheets of the picture checks (reports/quality/<lesson>.md shows its sheet).
for _png in sorted((ROOT / "reports" / "quality").glob("*.png")):
    with mkdocs_gen_files.open(f"reports/quality/{_png.name}", "wb") as fh:
        fh.write(_png.read_bytes())

# SUMMARY.md is the navigation for mkdocs-literate-nav, not a page of its own.
try:
    from mkdocs.structure.files import InclusionLevel

    _files = mkdocs_gen_files.editor.FilesEditor.current().files
    _nav = _files.get_file_from_path("SUMMARY.md")
    if _nav is not None:
        _nav.inclusion = InclusionLevel.EXCLUDED
except (ImportError, AttributeError):  # older mkdocs: the page is built, which is harmless
    pass
