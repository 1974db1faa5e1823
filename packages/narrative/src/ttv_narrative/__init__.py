"""TTV narrative slot: Lesson -> StoryPlan.

Public surface: :class:`SentenceNarrative` (entry point ``ttv.narrative: segmenter``).
"""

from .errors import E_NARRATIVE_OPTION, E_TOO_MANY_SHOTS
from .planner import SentenceNarrative, estimate_seconds

__version__ = "0.1.0"

__all__ = ["E_NARRATIVE_OPTION", "E_TOO_MANY_SHOTS", "SentenceNarrative", "estimate_seconds"]
