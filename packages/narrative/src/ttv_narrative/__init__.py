"""TTV narrative slot: Lesson -> StoryPlan.

Public surface: :class:`SentenceNarrative` (entry point ``ttv.narrative: segmenter``).
"""

from ttv_contracts import version_of

from .errors import E_NARRATIVE_OPTION, E_TOO_MANY_SHOTS
from .planner import SentenceNarrative, estimate_seconds

__version__ = version_of("ttv-narrative")  # pyproject.toml is the one source

__all__ = ["E_NARRATIVE_OPTION", "E_TOO_MANY_SHOTS", "SentenceNarrative", "estimate_seconds"]
