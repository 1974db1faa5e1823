"""TTV emotion slot: StoryPlan -> EmotionTrack.

Public surface: :class:`LexiconEmotion` (entry point ``ttv.emotion: lexicon``) and the
mapping helpers :func:`directives_for` and :func:`smooth`.
"""

from ttv_contracts import version_of

from .analyzer import LexiconEmotion, directives_for, smooth
from .errors import E_EMOTION_OPTION, E_LEXICON_UNAVAILABLE

__version__ = version_of("ttv-emotion")  # pyproject.toml is the one source

__all__ = [
    "E_EMOTION_OPTION",
    "E_LEXICON_UNAVAILABLE",
    "LexiconEmotion",
    "directives_for",
    "smooth",
]
