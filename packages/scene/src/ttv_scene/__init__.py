"""TTV scene slot: StoryPlan + Cast -> SceneBook.

Public surface: :class:`GraphScene` (entry point ``ttv.scene: graph``) and
:class:`LocationStore` (the SQLite store it owns).
"""

from .builder import GraphScene
from .errors import E_SCENE_EXPORT, E_SCENE_OPTION, E_SCENE_STORE_BUSY, E_SCENE_STORE_CORRUPT
from .store import LocationStore

__version__ = "0.2.0"

__all__ = [
    "E_SCENE_EXPORT",
    "E_SCENE_OPTION",
    "E_SCENE_STORE_BUSY",
    "E_SCENE_STORE_CORRUPT",
    "GraphScene",
    "LocationStore",
]
