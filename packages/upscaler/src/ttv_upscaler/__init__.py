"""ttv-upscaler: frame stream -> frame stream at the output size, aspect ratio kept.

Implementations (entry points in ``ttv.upscaler``):

* ``lanczos``: :class:`LanczosUpscaler`, OpenCV Lanczos-4 plus mild unsharp mask (default).
* ``spandrel``: :class:`SpandrelUpscaler`, super-resolution models from a local weights file
  through spandrel (extra ``ttv-upscaler[spandrel]``).
"""

from .errors import E_MODEL_FAILED, E_MODEL_UNSUPPORTED
from .lanczos import LanczosUpscaler, __version__
from .sr import SpandrelUpscaler

__all__ = [
    "E_MODEL_FAILED",
    "E_MODEL_UNSUPPORTED",
    "LanczosUpscaler",
    "SpandrelUpscaler",
    "__version__",
]
