"""OpenAPI documents loaded as single self-contained dictionaries.

The specs share schemas through relative references such as
``components/resources.yaml#/Flavor``. :func:`load` inlines each shared schema once under
``components/schemas`` and points every reference at it, so connexion, the code generator and
the conformance kit all read the same bundled document. This package ships the gate API,
``spec/core-gate.yaml`` with the components it uses, copied from Skyport's ``spec/`` by
``skyport codegen`` (``--check`` fails when the copy differs).
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).parent / "spec"
GATE_SPEC = SPEC_DIR / "core-gate.yaml"


# libyaml's safe loader reads the terminal spec ten times faster than PyYAML's Python one (0.08 s,
# not 0.8 s, on every daemon, gate and conformance core start); the same document either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.load(f, Loader=_LOADER)
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
def _load(path: Path) -> dict[str, Any]:
    shared: dict[str, Any] = {}
    document: dict[str, Any] = _bundle(_read(path), path, shared, external=False)
    own = document.setdefault("components", {}).setdefault("schemas", {})
    for schema_name, schema in shared.items():
        if schema_name in own:
            raise ValueError(f"{path.name}: schema {schema_name!r} is defined both locally and in components/")
        own[schema_name] = schema
    return document


def load(path: Path = GATE_SPEC) -> dict[str, Any]:
    """The bundled spec at ``path`` (the gate API by default), with only local ``#/components/...`` references.

    Callers get their own copy and may change it.
    """
    return copy.deepcopy(_load(path.resolve()))
