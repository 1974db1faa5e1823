"""mkdocs-gen-files script: every generated page comes from ttv_ownership.site at build time."""

from pathlib import Path

import mkdocs_gen_files
from ttv_ownership.site import pages

ROOT = Path(__file__).resolve().parent.parent

for rel, text in pages(ROOT).items():
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
