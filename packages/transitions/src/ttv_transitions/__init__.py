"""ttv-transitions: timeline-preserving transitions for TTV (slot ``transitions``).

Public surface: :class:`ClassicTransitions` (entry point ``classic``), the easing curves and
the span helpers that document the blending scheme.
"""

from ttv_contracts import version_of

__version__ = version_of("ttv-transitions")  # pyproject.toml is the one source

from .classic import ClassicTransitions, progress_a, progress_b, split_span
from .easing import EASINGS, ease

__all__ = [
    "EASINGS",
    "ClassicTransitions",
    "__version__",
    "ease",
    "progress_a",
    "progress_b",
    "split_span",
]
