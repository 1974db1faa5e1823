"""The standard interpolator kit, run against every implementation and option set."""

from ttv_contracts.testing import InterpolatorConformance
from ttv_interpolator import BlendInterpolator, FlowInterpolator


class TestFlowConformance(InterpolatorConformance):
    implementation_class = FlowInterpolator


class TestFlowFastNoOcclusionConformance(InterpolatorConformance):
    implementation_class = FlowInterpolator
    implementation_params = {"preset": "ultrafast", "flow_scale": 0.5, "occlusion": False}


class TestBlendConformance(InterpolatorConformance):
    implementation_class = BlendInterpolator
