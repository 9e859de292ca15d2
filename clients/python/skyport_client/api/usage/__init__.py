# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: a02c3543bb8de38c74537e9c0c092c6bbd89353f76142b03905fb5b783272a6c
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Accounting of ended jobs, like Slurm's sacct."""
