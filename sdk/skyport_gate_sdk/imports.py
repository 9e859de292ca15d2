"""Importing a library without one of its optional parts, for start-up time."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def imported_without(name: str) -> Iterator[None]:
    """Run the imports of the block as if module ``name`` were not installed.

    For libraries that import an optional module when it is there (``try: import x`` /
    ``except ImportError``) which Skyport never uses. A module already imported is left alone,
    and ``name`` can be imported again after the block.
    """
    blocked = name not in sys.modules
    if blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # None here makes `import name` fail
    try:
        yield
    finally:
        if blocked and sys.modules.get(name, ...) is None:
            del sys.modules[name]
