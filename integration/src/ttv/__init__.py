"""TTV's one-call Python API (shipped by ttv-integration).

.. code-block:: python

    import ttv

    report = ttv.generate("lesson.json", "out.mp4")           # -> RunReport
    report = ttv.render_timeline("out.otio", "edited.mp4")    # an edited timeline

See :mod:`ttv_integration.api` and the "Python API" page of the docs.
"""

from __future__ import annotations

from ttv_contracts.errors import TTVError
from ttv_integration import __version__
from ttv_integration.api import (
    Lesson,
    PipelineConfig,
    RunReport,
    generate,
    load_config,
    load_lesson,
    read_edit,
    render_timeline,
)

__all__ = [
    "Lesson",
    "PipelineConfig",
    "RunReport",
    "TTVError",
    "__version__",
    "generate",
    "load_config",
    "load_lesson",
    "read_edit",
    "render_timeline",
]
