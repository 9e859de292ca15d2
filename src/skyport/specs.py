"""The OpenAPI documents under ``spec/``, loaded as single self-contained dictionaries.

Bundling (shared ``components/*.yaml`` schemas inlined once) is the gate SDK's
(``skyport_gate_sdk.specs``), so the core, its gates and the code generator read the same document.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from skyport_gate_sdk import specs as bundled

SPEC_DIR = Path(__file__).parent / "spec"
NAMES = ("core-terminal", "core-gate", "tes")


def path_of(name: str) -> Path:
    """Path of the spec called ``name`` (``core-terminal``, ``core-gate`` or ``tes``)."""
    if name not in NAMES:
        raise ValueError(f"unknown spec {name!r}; choose one of {', '.join(NAMES)}")
    return SPEC_DIR / f"{name}.yaml"


def load(name: str) -> dict[str, Any]:
    """The bundled spec ``name`` as a dict with only local ``#/components/...`` references.

    Callers get their own copy and may change it.
    """
    return bundled.load(path_of(name))


def sha256(name: str) -> str:
    """Hex digest of the spec file and the shared components it uses, for generated-file headers."""
    digest = hashlib.sha256()
    digest.update(path_of(name).read_bytes())
    for part in sorted((SPEC_DIR / "components").glob("*.yaml")):
        digest.update(part.read_bytes())
    return digest.hexdigest()
