# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 82a4b8789fd9585cc06977668c484b08b58c9c4d44a41332363af001705afc97
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The JobState enum."""

from enum import StrEnum


class JobState(StrEnum):
    """Q queued, W waiting for resources, R running, T transferring files, F finished, E error, C cancelled."""

    R = "R"
    Q = "Q"
    W = "W"
    F = "F"
    E = "E"
    T = "T"
    C = "C"
