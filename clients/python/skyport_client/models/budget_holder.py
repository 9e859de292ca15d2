# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 5fc11691cbedbf817dff08d29c8bec658e8d41c1c94b49cf419927bec5dce50b
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The BudgetHolder enum."""

from enum import StrEnum


class BudgetHolder(StrEnum):
    """Whose budget it is."""

    ACCOUNT = "account"
    USER = "user"
