"""The conformance kit refuses removed or silently overridden standard tests."""

import pytest
from ttv_contracts import stubs
from ttv_contracts.testing import ConformanceError, kit


def test_removed_test_is_refused():
    with pytest.raises(ConformanceError, match="removes standard test"):

        class Bad(kit.EmotionConformance):
            implementation_class = stubs.StubEmotion
            test_deterministic = None


def test_silent_override_is_refused():
    with pytest.raises(ConformanceError, match=r"without pytest\.mark\.xfail"):

        class Bad(kit.EmotionConformance):
            implementation_class = stubs.StubEmotion

            def test_deterministic(self, impl, impl2):
                pass


def test_xfail_override_is_allowed():
    class Fine(kit.EmotionConformance):
        implementation_class = stubs.StubEmotion

        @pytest.mark.xfail(reason="documented: this backend samples")
        def test_deterministic(self, impl, impl2):
            raise AssertionError

    assert Fine.test_deterministic is not kit.EmotionConformance.test_deterministic


def test_base_test_removal_is_refused_too():
    with pytest.raises(ConformanceError):

        class Bad(kit.RouterConformance):
            implementation_class = stubs.StubRouter
            test_declares_module_info = None


def test_the_lie_detector_tests_cannot_be_removed_either():
    with pytest.raises(ConformanceError, match="removes standard test"):

        class Bad(kit.VoiceConformance):
            implementation_class = stubs.StubVoice
            test_rejects_mislabelled_sample_rate = None

    with pytest.raises(ConformanceError, match=r"without pytest\.mark\.xfail"):

        class Quiet(kit.VoiceConformance):
            implementation_class = stubs.StubVoice

            def test_timings_inside_audio(self, impl, rate_wpm):
                pass
