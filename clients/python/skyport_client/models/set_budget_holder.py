# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 20d6f527e913cc724cd52942db30ca9738960bdb5d67be7bdd3471ea5bf1d709
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The SetBudgetHolder enum."""

from enum import StrEnum


class SetBudgetHolder(StrEnum):
    """The values of SetBudgetHolder."""

    ACCOUNT = "account"
    USER = "user"
