"""TTV integration: assembles slot implementations into a pipeline.

Public surface: :class:`Registry`, :class:`PipelineConfig`, :func:`load_config`,
:class:`Pipeline`, :func:`load_lesson`.
"""

from .config import PipelineConfig, load_config
from .lesson import load_lesson
from .registry import Registry
from .runner import Pipeline

__version__ = "0.1.0"

__all__ = ["Pipeline", "PipelineConfig", "Registry", "__version__", "load_config", "load_lesson"]
