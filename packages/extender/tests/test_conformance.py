"""The standard extender kit, run against SlowMotionExtender."""

from ttv_contracts.testing import ExtenderConformance
from ttv_extender import SlowMotionExtender


class TestSlowMotionConformance(ExtenderConformance):
    implementation_class = SlowMotionExtender


class TestNoSlowMotionConformance(ExtenderConformance):
    implementation_class = SlowMotionExtender
    implementation_params = {"max_slowdown": 1.0, "preset": "ultrafast"}
