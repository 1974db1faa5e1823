from __future__ import annotations

import json
from pathlib import Path

import pytest
from ttv_integration.config import load_config

SMALL = {
    "width": 128,
    "height": 72,
    "timeline_width": 64,
    "timeline_height": 36,
    "fps": 24,
    "timeline_fps": 12,
}


@pytest.fixture(autouse=True)
def _user_config(tmp_path_factory, monkeypatch):
    """Runs sign with a key in a throwaway user config folder, never ~/.config."""
    monkeypatch.setenv("TTV_CONFIG_DIR", str(tmp_path_factory.getbasetemp() / "user-config"))


@pytest.fixture
def small_overrides(tmp_path: Path) -> dict:
    return {**SMALL, "store_dir": str(tmp_path / "stores")}


@pytest.fixture
def stub_config(small_overrides):
    return load_config(profile="stub", overrides=small_overrides)


@pytest.fixture
def lesson_file(tmp_path: Path) -> Path:
    path = tmp_path / "lesson.json"
    path.write_text(
        json.dumps(
            {
                "title": "Magnets",
                "scenes": [
                    {
                        "setting": "a school lab",
                        "text": "Opposite poles attract. Like poles repel.",
                    },
                    {"setting": "a quiet beach", "text": "The needle of a compass is a magnet."},
                ],
            }
        )
    )
    return path
