"""ttv-voice: narration text -> AudioClip.

Implementations (entry points in ``ttv.voice``):

* ``espeak``: :class:`EspeakVoice`, real offline speech with eSpeak NG.
"""

from .errors import E_ENGINE_UNAVAILABLE, E_SYNTH_FAILED, E_VOICE_UNKNOWN
from .espeak import EspeakVoice, __version__, resolve_voice

__all__ = [
    "E_ENGINE_UNAVAILABLE",
    "E_SYNTH_FAILED",
    "E_VOICE_UNKNOWN",
    "EspeakVoice",
    "__version__",
    "resolve_voice",
]
