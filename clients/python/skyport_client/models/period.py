# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/enum.py.jinja).
# Spec sha256: 587d2bf31aa0d1f17c74c632ea5e59dd41c7d651c2a8645690efe79a3ef54696
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The Period enum."""

from enum import StrEnum


class Period(StrEnum):
    """How often a budget starts again (UTC): day, week (from Monday), month (from the 1st), or total (never)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    TOTAL = "total"
