"""ttv-router: ranks each stage's candidate implementations and picks a quality preset.

Public surface: :class:`BanditRouter` (entry point ``ttv.router: bandit``). Importing opens
no store; the SQLite history is opened on first use.
"""

from .bandit import BanditRouter, __version__, bucket_of

__all__ = ["BanditRouter", "__version__", "bucket_of"]
