# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 82a4b8789fd9585cc06977668c484b08b58c9c4d44a41332363af001705afc97
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Accounts jobs are charged to, their members, and budgets in money (the daemon's owner changes them)."""
