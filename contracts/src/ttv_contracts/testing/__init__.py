"""Conformance kit: one pytest base class per slot.

An implementation's tests inherit the whole standard suite in a few lines::

    from ttv_contracts.testing import EmotionConformance
    from ttv_emotion import LexiconEmotion

    class TestLexiconEmotion(EmotionConformance):
        implementation_class = LexiconEmotion

A standard test can only be replaced by a method marked ``pytest.mark.xfail(reason=...)``;
removing one (``test_x = None``) or overriding it silently fails at import time.
"""

from .samples import (
    sample_clip,
    sample_frames,
    sample_lessons,
    sample_plan,
    sample_spec,
    sample_tracked_clip,
)

# The kit needs pytest (the ``ttv-contracts[testing]`` extra); the samples do not, so a README
# example can build real inputs with only the module installed. Kit names load on first use.
_KIT_NAMES = frozenset(
    (
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
    )
)


def __getattr__(name: str):
    if name in _KIT_NAMES:
        from . import kit

        return getattr(kit, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    *sorted(_KIT_NAMES),
    "sample_clip",
    "sample_frames",
    "sample_lessons",
    "sample_plan",
    "sample_spec",
    "sample_tracked_clip",
]
