"""TTV scene slot: StoryPlan + Cast -> SceneBook.

Public surface: :class:`GraphScene` (entry point ``ttv.scene: graph``) and
:class:`LocationStore` (the SQLite store it owns).
"""

from ttv_contracts import version_of

from .builder import GraphScene
from .errors import E_SCENE_EXPORT, E_SCENE_OPTION, E_SCENE_STORE_BUSY, E_SCENE_STORE_CORRUPT
from .store import LocationStore

__version__ = version_of("ttv-scene")  # pyproject.toml is the one source

__all__ = [
    "E_SCENE_EXPORT",
    "E_SCENE_OPTION",
    "E_SCENE_STORE_BUSY",
    "E_SCENE_STORE_CORRUPT",
    "GraphScene",
    "LocationStore",
]
