"""Every stub passes its slot's conformance kit."""

from ttv_contracts import stubs
from ttv_contracts.testing import kit


class TestStubNarrative(kit.NarrativeConformance):
    implementation_class = stubs.StubNarrative


class TestStubIdentity(kit.IdentityConformance):
    implementation_class = stubs.StubIdentity


class TestStubScene(kit.SceneConformance):
    implementation_class = stubs.StubScene


class TestStubEmotion(kit.EmotionConformance):
    implementation_class = stubs.StubEmotion


class TestStubKeyframe(kit.KeyframeConformance):
    implementation_class = stubs.StubKeyframe


class TestStubMotion(kit.MotionConformance):
    implementation_class = stubs.StubMotion


class TestStubTransitions(kit.TransitionsConformance):
    implementation_class = stubs.StubTransitions


class TestStubExtender(kit.ExtenderConformance):
    implementation_class = stubs.StubExtender


class TestStubInterpolator(kit.InterpolatorConformance):
    implementation_class = stubs.StubInterpolator


class TestStubVoice(kit.VoiceConformance):
    implementation_class = stubs.StubVoice


class TestStubLipSync(kit.LipSyncConformance):
    implementation_class = stubs.StubLipSync


class TestStubUpscaler(kit.UpscalerConformance):
    implementation_class = stubs.StubUpscaler


class TestStubWatermark(kit.WatermarkConformance):
    implementation_class = stubs.StubWatermark


class TestStubRouter(kit.RouterConformance):
    implementation_class = stubs.StubRouter


def test_every_slot_has_a_stub_and_a_kit():
    from ttv_contracts.v1 import SLOTS

    assert set(stubs.STUBS) == set(SLOTS) == set(kit.CONFORMANCE_CLASSES)
