from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib does not put the tests directory on sys.path; the helpers live here.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def _no_env_key(monkeypatch, tmp_path):
    monkeypatch.delenv("TTV_SIGNING_KEY", raising=False)
    # The user's own key (created on first use) goes to a per-test folder, never ~/.config.
    monkeypatch.setenv("TTV_CONFIG_DIR", str(tmp_path / "user-config"))
