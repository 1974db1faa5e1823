"""TTV identity slot: StoryPlan -> Cast.

Public surface: :class:`CorefIdentity` (entry point ``ttv.identity: coref``) and
:class:`IdentityStore` (the SQLite store it owns).
"""

from .errors import E_IDENTITY_OPTION, E_IDENTITY_STORE_BUSY, E_IDENTITY_STORE_CORRUPT
from .resolver import CorefIdentity
from .store import IdentityStore, StoredIdentity

__version__ = "0.1.0"

__all__ = [
    "E_IDENTITY_OPTION",
    "E_IDENTITY_STORE_BUSY",
    "E_IDENTITY_STORE_CORRUPT",
    "CorefIdentity",
    "IdentityStore",
    "StoredIdentity",
]
