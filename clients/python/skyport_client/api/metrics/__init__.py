# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: a45e2e9f1e4f660f96ea90fc7d93e56081b0e9d7847555764563211ce4284729
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Prometheus metrics of the daemon."""
