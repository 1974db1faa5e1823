"""The standard transitions kit, run against ClassicTransitions."""

from ttv_contracts.testing import TransitionsConformance
from ttv_transitions import ClassicTransitions


class TestClassicConformance(TransitionsConformance):
    implementation_class = ClassicTransitions


class TestClassicWithOptionsConformance(TransitionsConformance):
    implementation_class = ClassicTransitions
    implementation_params = {"duration_s": 1.0, "fade_color": [255, 255, 255]}
