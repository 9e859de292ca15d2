# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: bba433ab53db225b1d23e809bb920035be265e512a1f0790d6819a54cba8233f
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The UsageTotalsSplit enum."""

from enum import StrEnum


class UsageTotalsSplit(StrEnum):
    """The values of UsageTotalsSplit."""

    USER = "user"
    ACCOUNT = "account"
    SITE = "site"
    DAY = "day"
