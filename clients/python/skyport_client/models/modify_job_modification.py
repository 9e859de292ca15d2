# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: fe0c386e62ce60fc6bdf363944e076f7866cb5a2e67c178f8ae630d539deb16c
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The ModifyJobModification enum."""

from enum import StrEnum


class ModifyJobModification(StrEnum):
    """The values of ModifyJobModification."""

    REQUEUE = "requeue"
