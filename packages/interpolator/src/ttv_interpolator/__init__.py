"""ttv-interpolator: streaming frame-rate conversion for TTV (slot ``interpolator``).

Implementations: :class:`FlowInterpolator` (entry point ``flow``, the default) and
:class:`BlendInterpolator` (``blend``). :class:`PairwiseInterpolator` is the base for new
backends (see MIGRATION.md for a RIFE-style model).
"""

from ttv_contracts import version_of

__version__ = version_of("ttv-interpolator")  # pyproject.toml is the one source

from ttv_flow import BidirectionalFlow, PairFlow, cross_fade

from .interpolators import (
    BlendInterpolator,
    FlowInterpolator,
    PairwiseInterpolator,
)

__all__ = [
    "BidirectionalFlow",
    "BlendInterpolator",
    "FlowInterpolator",
    "PairFlow",
    "PairwiseInterpolator",
    "__version__",
    "cross_fade",
]
