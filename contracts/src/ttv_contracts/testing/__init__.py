"""Conformance kit: one pytest base class per slot.

An implementation's tests inherit the whole standard suite in a few lines::

    from ttv_contracts.testing import EmotionConformance
    from ttv_emotion import LexiconEmotion

    class TestLexiconEmotion(EmotionConformance):
        implementation_class = LexiconEmotion

A standard test can only be replaced by a method marked ``pytest.mark.xfail(reason=...)``;
removing one (``test_x = None``) or overriding it silently fails at import time.
"""

from .kit import (
    CONFORMANCE_CLASSES,
    ConformanceError,
    EmotionConformance,
    ExtenderConformance,
    IdentityConformance,
    InterpolatorConformance,
    KeyframeConformance,
    LipSyncConformance,
    MotionConformance,
    NarrativeConformance,
    RouterConformance,
    SceneConformance,
    SlotConformance,
    TransitionsConformance,
    UpscalerConformance,
    VoiceConformance,
    WatermarkConformance,
)
from .samples import (
    sample_clip,
    sample_lessons,
    sample_plan,
    sample_spec,
    sample_tracked_clip,
)

__all__ = [
    "CONFORMANCE_CLASSES",
    "ConformanceError",
    "EmotionConformance",
    "ExtenderConformance",
    "IdentityConformance",
    "InterpolatorConformance",
    "KeyframeConformance",
    "LipSyncConformance",
    "MotionConformance",
    "NarrativeConformance",
    "RouterConformance",
    "SceneConformance",
    "SlotConformance",
    "TransitionsConformance",
    "UpscalerConformance",
    "VoiceConformance",
    "WatermarkConformance",
    "sample_clip",
    "sample_lessons",
    "sample_plan",
    "sample_spec",
    "sample_tracked_clip",
]
