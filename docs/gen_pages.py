"""mkdocs-gen-files script: every generated page comes from ttv_ownership.site at build time."""

from pathlib import Path

import mkdocs_gen_files

from ttv_ownership.site import pages

ROOT = Path(__file__).resolve().parent.parent

for rel, text in pages(ROOT).items():
    with mkdocs_gen_files.open(rel, "w") as fh:
        fh.write(text)
