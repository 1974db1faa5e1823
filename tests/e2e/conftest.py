from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _user_config(tmp_path_factory, monkeypatch):
    """Every end-to-end run signs with a key in a throwaway user config folder."""
    monkeypatch.setenv("TTV_CONFIG_DIR", str(tmp_path_factory.getbasetemp() / "user-config"))


@pytest.fixture
def ttv():
    """``ttv(tmp, *args)``: the CLI in a subprocess, run in ``tmp`` with its stores there."""

    def run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "TTV_STORE_DIR": str(tmp / "stores")}
        return subprocess.run(
            [sys.executable, "-m", "ttv_integration.cli", *args],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run
