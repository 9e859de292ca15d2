# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The ModifyJobModification enum."""

from enum import StrEnum


class ModifyJobModification(StrEnum):
    """The values of ModifyJobModification."""

    REQUEUE = "requeue"
