"""Shared by the keyframe tests: a plain shot in a daylight meadow, changed by keywords."""

from __future__ import annotations

from typing import Any

from ttv_contracts.testing import sample_spec
from ttv_contracts.v1 import ShotSpec

#: what every meadow shot says unless a test says otherwise (the sample's characters stay
#: unless ``characters`` is given)
MEADOW: dict[str, Any] = {
    "caption": "",
    "setting": "a meadow",
    "time_of_day": "day",
    "weather": "clear",
    "indoor_outdoor": "outdoor",
    "objects": (),
}


def meadow_spec(width: int, height: int, seed: int = 3, **kw: Any) -> ShotSpec:
    """The sample spec at ``width`` x ``height``, in the meadow, with ``kw`` on top."""
    return sample_spec(width=width, height=height, seed=seed).model_copy(update={**MEADOW, **kw})
