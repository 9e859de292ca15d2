"""Skyport: a Private HPC workload manager."""

from skyport.errors import SkyportError

__version__ = "0.1.0"

__all__ = ["SkyportError", "__version__"]
