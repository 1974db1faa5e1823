"""majors.py on fake inputs: the check `nox -s index` runs after each lone install."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from majors import locked_versions, major, major_mismatches

LOCK = """
version = 1
requires-python = ">=3.11"

[[package]]
name = "opencv-python-headless"
version = "4.14.0.94"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "Typing_Extensions"
version = "4.12.2"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ttv-contracts"
version = "1.2.0"
source = { editable = "contracts" }

[[package]]
name = "somegit"
version = "3.0.0"
source = { git = "https://example.invalid/somegit" }
"""


def test_major_reads_the_first_release_number():
    assert major("4.14.0.94") == 4
    assert major("5.0.0.93") == 5
    assert major("0.29.2") == 0
    assert major("2024.1") == 2024
    assert major("10") == 10
    assert major("1.0rc1") == 1
    assert major("1!2.0") is None  # an epoch is never the same major as a plain version


def test_lock_holds_registry_packages_only_with_every_forked_version():
    locked = locked_versions(LOCK)
    assert locked == {
        "opencv-python-headless": {"4.14.0.94"},
        "numpy": {"2.4.6", "1.26.4"},
        "typing-extensions": {"4.12.2"},
    }


def test_a_new_major_alone_is_reported_with_both_versions():
    got = major_mismatches(
        {"opencv-python-headless": "5.0.0.93", "numpy": "2.5.5"}, locked_versions(LOCK)
    )
    assert got == ["opencv-python-headless 5.0.0.93 alone, 4.14.0.94 in uv.lock (major 5 vs 4)"]


def test_same_majors_pass_whatever_the_minor():
    installed = {
        "opencv_python_headless": "4.8.1.78",
        "NumPy": "1.26.0",
        "typing-extensions": "4.15",
    }
    assert major_mismatches(installed, locked_versions(LOCK)) == []


def test_any_forked_major_matches_and_an_older_major_is_a_mismatch_too():
    locked = locked_versions(LOCK)
    assert major_mismatches({"numpy": "1.26.4"}, locked) == []
    assert major_mismatches({"typing-extensions": "3.10.0"}, locked) == [
        "typing-extensions 3.10.0 alone, 4.12.2 in uv.lock (major 3 vs 4)"
    ]


def test_workspace_packages_and_unlocked_distributions_are_not_compared():
    locked = {**locked_versions(LOCK), "ttv-flow": {"9.0.0"}}
    installed = {"ttv-flow": "0.1.0", "ttv-contracts": "1.2.0", "pytest": "8.3.0"}
    assert major_mismatches(installed, locked, ignore=["ttv_flow", "ttv-contracts"]) == []
