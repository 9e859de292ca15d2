"""The OpenAPI documents under ``spec/``, loaded as single self-contained dictionaries.

The specs share schemas through relative references such as
``components/resources.yaml#/Flavor``. :func:`load` inlines each shared schema once under
``components/schemas`` and points every reference at it, so connexion, the code generator and
the conformance kit all read the same bundled document.
"""

from __future__ import annotations

import copy
import functools
import hashlib
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).parent / "spec"
NAMES = ("core-terminal", "core-gate", "tes")


def path_of(name: str) -> Path:
    """Path of the spec called ``name`` (``core-terminal``, ``core-gate`` or ``tes``)."""
    if name not in NAMES:
        raise ValueError(f"unknown spec {name!r}; choose one of {', '.join(NAMES)}")
    return SPEC_DIR / f"{name}.yaml"


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def _bundle(node: Any, base: Path, schemas: dict[str, Any], external: bool) -> Any:
    if isinstance(node, list):
        return [_bundle(item, base, schemas, external) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        target, _, pointer = ref.partition("#")
        if target or external:
            file = (base.parent / target).resolve() if target else base
            name = pointer.rsplit("/", 1)[-1]
            if name not in schemas:
                schemas[name] = {}  # placeholder first: shared schemas may refer to each other
                schemas[name] = _bundle(_read(file)[name], file, schemas, external=True)
            return {"$ref": f"#/components/schemas/{name}"}
    return {key: _bundle(value, base, schemas, external) for key, value in node.items()}


@functools.cache
def _load(name: str) -> dict[str, Any]:
    path = path_of(name).resolve()
    shared: dict[str, Any] = {}
    document: dict[str, Any] = _bundle(_read(path), path, shared, external=False)
    own = document.setdefault("components", {}).setdefault("schemas", {})
    for schema_name, schema in shared.items():
        if schema_name in own:
            raise ValueError(f"{path.name}: schema {schema_name!r} is defined both locally and in components/")
        own[schema_name] = schema
    return document


def load(name: str) -> dict[str, Any]:
    """The bundled spec ``name`` as a dict with only local ``#/components/...`` references.

    Callers get their own copy and may change it.
    """
    return copy.deepcopy(_load(name))


def sha256(name: str) -> str:
    """Hex digest of the spec file and the shared components it uses, for generated-file headers."""
    digest = hashlib.sha256()
    digest.update(path_of(name).read_bytes())
    for part in sorted((SPEC_DIR / "components").glob("*.yaml")):
        digest.update(part.read_bytes())
    return digest.hexdigest()
