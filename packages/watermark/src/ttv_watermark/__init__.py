"""ttv-watermark: TTV's security chain (invisible mark, signed provenance, verification).

Public surface: :class:`DctQimWatermark` (entry point ``ttv.watermark: dct-qim``; its default
mark is the perceptual ``pss`` mark since 0.2), :func:`init_keys`, :class:`ManifestStore` and
the invisibility thresholds the bench and the tests share (:mod:`ttv_watermark.quality`).
Importing this package loads no key, opens no file and imports no typer.
"""

from .keys import init_keys
from .quality import BLOCKINESS_MAX_CHANGE, PSNR_MIN_DB, SSIM_MIN
from .store import ManifestStore
from .watermarker import DctQimWatermark, __version__

__all__ = [
    "BLOCKINESS_MAX_CHANGE",
    "PSNR_MIN_DB",
    "SSIM_MIN",
    "DctQimWatermark",
    "ManifestStore",
    "__version__",
    "init_keys",
]
