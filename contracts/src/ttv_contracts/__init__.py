"""TTV shared contracts. The public, versioned surface is :mod:`ttv_contracts.v1`."""

__version__ = "1.0.0"
CONTRACT_MAJOR = 1

__all__ = ["CONTRACT_MAJOR", "__version__"]
