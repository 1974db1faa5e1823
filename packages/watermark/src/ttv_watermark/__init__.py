"""ttv-watermark: TTV's security chain (invisible mark, signed provenance, verification).

Public surface: :class:`DctQimWatermark` (entry point ``ttv.watermark: dct-qim``) and
:func:`init_keys`. Importing this package loads no key, opens no file and imports no typer.
"""

from .keys import init_keys
from .watermarker import DctQimWatermark, __version__

__all__ = ["DctQimWatermark", "__version__", "init_keys"]
