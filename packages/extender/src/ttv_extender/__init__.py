"""ttv-extender: exact-length clips for TTV (slot ``extender``), never looping.

Public surface: :class:`SlowMotionExtender` (entry point ``slowmo``) and the arithmetic that
documents its plan (:func:`slow_motion_length`, :func:`source_positions`, :func:`hold_zoom`).
"""

from ttv_contracts import version_of

__version__ = version_of("ttv-extender")  # pyproject.toml is the one source

from .slowmo import (
    SlowMotionExtender,
    hold_zoom,
    slow_motion_length,
    source_positions,
)

__all__ = [
    "SlowMotionExtender",
    "__version__",
    "hold_zoom",
    "slow_motion_length",
    "source_positions",
]
