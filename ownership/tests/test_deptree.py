"""deptree on a fake uv.lock: the tree a module page shows, with sizes and markers."""

from __future__ import annotations

from ttv_ownership import deptree

LOCK = """
version = 1

[[package]]
name = "ttv-demo"
version = "0.1.0"
source = { editable = "packages/demo" }
dependencies = [
    { name = "ttv-contracts" },
    { name = "numpy", version = "2.4.6", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.0'" },
    { name = "Rich_Text" },
    { name = "winonly", marker = "sys_platform == 'no-such-platform'" },
]

[package.optional-dependencies]
heavy = [{ name = "torch" }]

[[package]]
name = "ttv-contracts"
version = "1.2.0"
source = { editable = "contracts" }
dependencies = [{ name = "numpy", version = "2.4.6", source = { registry = "https://pypi.org/simple" } }]

[[package]]
name = "numpy"
version = "2.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "rich-text"
version = "13.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pygments" }]

[[package]]
name = "pygments"
version = "2.19.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "winonly"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "torch"
version = "2.5.0"
source = { registry = "https://pypi.org/simple" }
"""

SIZES = {"numpy": 40 * 2**20, "rich-text": 2**20, "pygments": 4 * 2**20}


def _tree(monkeypatch):
    monkeypatch.setattr(deptree, "installed_bytes", lambda name: SIZES.get(name))
    return deptree.Lock(LOCK).tree(
        "ttv-demo",
        member_size=lambda name: {"ttv-contracts": 200 * 1024}.get(name),
        member_version=lambda name: {"ttv-contracts": "1.3.0"}.get(name),
    )


def test_tree_follows_the_lock_without_extras_or_foreign_markers(monkeypatch):
    nodes = _tree(monkeypatch)
    assert [n.name for n in nodes] == ["ttv-contracts", "numpy", "rich-text"]
    contracts, numpy, rich = nodes
    assert (contracts.version, contracts.size) == ("1.3.0", 200 * 1024)  # pyproject, not lock
    assert [c.name for c in contracts.children] == ["numpy"]
    assert numpy.version == "2.4.6"  # the pinned fork, not 1.26.4
    assert numpy.repeated and numpy.children == []  # shown under ttv-contracts already
    assert [(c.name, c.size) for c in rich.children] == [("pygments", 4 * 2**20)]


def test_closure_counts_each_distribution_once(monkeypatch):
    every = deptree.closure(_tree(monkeypatch))
    assert sorted(every) == ["numpy", "pygments", "rich-text", "ttv-contracts"]
    assert sum(n.size for n in every.values()) == 45 * 2**20 + 200 * 1024


def test_markdown_nests_and_marks_repeats(monkeypatch):
    text = deptree.markdown(_tree(monkeypatch))
    assert text == [
        "- `ttv-contracts` 1.3.0 · 200 KiB",
        "    - `numpy` 2.4.6 · 40.0 MiB",
        "- `numpy` 2.4.6 (shown above)",
        "- `rich-text` 13.0.0 · 1.0 MiB",
        "    - `pygments` 2.19.0 · 4.0 MiB",
    ]


def test_sizes_read_from_installed_metadata():
    assert deptree.installed_bytes("pytest") > 100 * 1024
    assert deptree.installed_bytes("no-such-distribution-here") is None
    assert deptree.human(None) == "not installed here"
