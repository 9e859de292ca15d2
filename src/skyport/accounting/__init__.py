"""Accounts, budgets in money, and accounting of what jobs cost (docs/budgets.md)."""
