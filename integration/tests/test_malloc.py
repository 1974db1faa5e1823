"""Importing ttv_integration caps glibc's malloc arenas at one (see ``_malloc``), unless the
environment already says how many."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

glibc = pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)


def _applied(env_extra: dict[str, str]) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"} | env_extra
    code = "import ttv_integration._malloc as m, ttv_integration; print(m.APPLIED)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


@glibc
def test_import_caps_the_arenas():
    assert _applied({}) == "True"


@glibc
def test_the_environment_wins():
    assert _applied({"MALLOC_ARENA_MAX": "4"}) == "False"
