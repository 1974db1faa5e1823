"""Moved: the DIS flow lives in the shared library ``ttv_flow`` (ttv-flow). This name stays
so that ``from ttv_interpolator.flow import BidirectionalFlow`` keeps working."""

from ttv_flow import PRESETS, BidirectionalFlow, PairFlow, cross_fade

__all__ = ["PRESETS", "BidirectionalFlow", "PairFlow", "cross_fade"]
