"""TTV shared contracts. The public, versioned surface is :mod:`ttv_contracts.v1`."""

from .meta import version_of

__version__ = version_of("ttv-contracts")
CONTRACT_MAJOR = 1

__all__ = ["CONTRACT_MAJOR", "__version__", "version_of"]
