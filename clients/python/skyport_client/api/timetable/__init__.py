# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 63413d0a433c97d74444e2d4b14e8e8990f738e146c02a246b562f16f0b867de
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The scheduler's plan for pending jobs."""
