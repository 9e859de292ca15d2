# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/api_init.py.jinja).
# Spec sha256: a9e55c3f7a0b8dfaffeb04a2df7cd7b6c28bbf1a70eca121f59bb25ed6bf09d6
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""One package per tag of spec/core-gate.yaml, one module per operation, named by its operationId."""
