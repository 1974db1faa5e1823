from pathlib import Path

from ttv_contracts.testing import RouterConformance
from ttv_router import BanditRouter


class TestBanditRouter(RouterConformance):
    implementation_class = BanditRouter

    def make_implementation(self, tmp_path: Path) -> BanditRouter:
        return BanditRouter(store_dir=str(tmp_path / "router"), seed=7)
