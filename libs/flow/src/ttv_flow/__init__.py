"""ttv-flow: the DIS optical flow shared by ttv-interpolator and ttv-extender.

A library, not a module: it fills no slot, imports no ``ttv_*`` package and is imported by
module packages (import-linter's shared layer). Pure numpy + OpenCV.
"""

from .dis import (
    AUTO_FLOW_SIDE,
    MIN_CONSISTENT,
    MIN_FLOW_SIDE,
    PRESETS,
    BidirectionalFlow,
    PairFlow,
    cross_fade,
)

__all__ = [
    "AUTO_FLOW_SIDE",
    "MIN_CONSISTENT",
    "MIN_FLOW_SIDE",
    "PRESETS",
    "BidirectionalFlow",
    "PairFlow",
    "cross_fade",
]
