# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: a1c6824062f75365618c1267fbed3b93f8ccc0f6303997739d92ddca1a8148a0
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Nodes of the partitions the core created."""
