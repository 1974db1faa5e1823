"""TTV identity slot: StoryPlan -> Cast.

Public surface: :class:`CorefIdentity` (entry point ``ttv.identity: coref``; its
``mentions(plan)`` returns :class:`ResolvedMention` links for evaluation) and
:class:`IdentityStore` (the SQLite store it owns, one file per namespace).
"""

from ttv_contracts import version_of

from .errors import E_IDENTITY_OPTION, E_IDENTITY_STORE_BUSY, E_IDENTITY_STORE_CORRUPT
from .resolver import CorefIdentity, ResolvedMention
from .store import IdentityStore, StoredIdentity

__version__ = version_of("ttv-identity")  # pyproject.toml is the one source

__all__ = [
    "E_IDENTITY_OPTION",
    "E_IDENTITY_STORE_BUSY",
    "E_IDENTITY_STORE_CORRUPT",
    "CorefIdentity",
    "IdentityStore",
    "ResolvedMention",
    "StoredIdentity",
]
