"""TTV identity slot: StoryPlan -> Cast.

Public surface: :class:`CorefIdentity` (entry point ``ttv.identity: coref``; its
``mentions(plan)`` returns :class:`ResolvedMention` links for evaluation) and
:class:`IdentityStore` (the SQLite store it owns, one file per namespace).
"""

from .errors import E_IDENTITY_OPTION, E_IDENTITY_STORE_BUSY, E_IDENTITY_STORE_CORRUPT
from .resolver import CorefIdentity, ResolvedMention
from .store import IdentityStore, StoredIdentity

__version__ = "0.2.0"

__all__ = [
    "E_IDENTITY_OPTION",
    "E_IDENTITY_STORE_BUSY",
    "E_IDENTITY_STORE_CORRUPT",
    "CorefIdentity",
    "IdentityStore",
    "ResolvedMention",
    "StoredIdentity",
]
