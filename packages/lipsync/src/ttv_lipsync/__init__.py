"""ttv-lipsync: Clip + AudioClip (+ characters) -> Clip of the same length with mouth motion.

Implementations (entry points in ``ttv.lipsync``):

* ``viseme``: :class:`VisemeLipSync`, weights-free mouth animation in face/mouth regions.
"""

from .errors import E_DETECTOR_UNAVAILABLE
from .viseme import VisemeLipSync, __version__, mouth_box_for_face
from .visemes import viseme_for

__all__ = [
    "E_DETECTOR_UNAVAILABLE",
    "VisemeLipSync",
    "__version__",
    "mouth_box_for_face",
    "viseme_for",
]
