# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 7d6ba6b097de71f23e8567aff2b156bd93343aca91a0dc63038fd7c9ceea43e7
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Sets of nodes the gate creates and deletes for the core."""
