"""Easing curves: maps progress ``p`` in [0, 1] to eased progress in [0, 1].

All four are monotonic non-decreasing with ``f(0) = 0`` and ``f(1) = 1``:

* ``linear``: ``p``
* ``ease_in``: ``p**2`` (starts slow)
* ``ease_out``: ``1 - (1 - p)**2`` (ends slow)
* ``ease_in_out``: smoothstep ``3p**2 - 2p**3`` (slow at both ends, symmetric: f(0.5) = 0.5)
"""

from __future__ import annotations

from collections.abc import Callable


def _linear(p: float) -> float:
    return p


def _ease_in(p: float) -> float:
    return p * p


def _ease_out(p: float) -> float:
    return 1.0 - (1.0 - p) * (1.0 - p)


def _ease_in_out(p: float) -> float:
    return p * p * (3.0 - 2.0 * p)


EASINGS: dict[str, Callable[[float], float]] = {
    "linear": _linear,
    "ease_in": _ease_in,
    "ease_out": _ease_out,
    "ease_in_out": _ease_in_out,
}


def ease(name: str, p: float) -> float:
    """Eased progress for curve ``name``; ``p`` is clamped to [0, 1]."""
    p = min(1.0, max(0.0, float(p)))
    return EASINGS[name](p)
