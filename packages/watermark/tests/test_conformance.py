from pathlib import Path

from ttv_contracts.testing import WatermarkConformance
from ttv_watermark import DctQimWatermark, init_keys


class TestDctQimWatermark(WatermarkConformance):
    implementation_class = DctQimWatermark

    def make_implementation(self, tmp_path: Path) -> DctQimWatermark:
        keys = tmp_path / "keys"
        if not keys.exists():
            init_keys(keys)
        return DctQimWatermark(key_path=str(keys))
