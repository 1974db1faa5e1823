from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _user_config(tmp_path_factory, monkeypatch):
    """Every end-to-end run signs with a key in a throwaway user config folder."""
    monkeypatch.setenv("TTV_CONFIG_DIR", str(tmp_path_factory.getbasetemp() / "user-config"))
