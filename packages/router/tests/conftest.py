import pytest


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch):
    monkeypatch.delenv("TTV_STORE_DIR", raising=False)
