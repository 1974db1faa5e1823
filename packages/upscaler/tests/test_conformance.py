"""ttv-upscaler passes the upscaler slot's conformance kit (lanczos always, spandrel with the extra)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ttv_contracts.testing import kit
from ttv_upscaler import LanczosUpscaler, SpandrelUpscaler


class TestLanczosConformance(kit.UpscalerConformance):
    implementation_class = LanczosUpscaler


class TestSpandrelConformance(kit.UpscalerConformance):
    implementation_class = SpandrelUpscaler

    def make_implementation(self, tmp_path: Path) -> SpandrelUpscaler:
        pytest.importorskip("torch")
        pytest.importorskip("spandrel")
        from upscaler_tiny_models import save_compact

        weights = save_compact(tmp_path / "tiny-compact-x2.pth", scale=2)
        return SpandrelUpscaler(weights_path=str(weights), tile=24, tile_overlap=4)
