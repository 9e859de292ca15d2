# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: faba782c14a5817971647de68e32b42364db5a0a9ee089764a0b2efd8f827f6b
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The ModifyJobModification enum."""

from enum import StrEnum


class ModifyJobModification(StrEnum):
    """The values of ModifyJobModification."""

    REQUEUE = "requeue"
