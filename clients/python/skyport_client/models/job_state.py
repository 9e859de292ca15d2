# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 1c938e9f37913ce9435e6169c5f9206053fe67745e0449f18f334bc9881a1423
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
