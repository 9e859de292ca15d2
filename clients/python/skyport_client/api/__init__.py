# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/api_init.py.jinja).
# Spec sha256: 5c7b15bc6e09c070d4c2c6e599eb853d0f39f1b39707d2c526cb46b10217b334
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""One package per tag of spec/core-terminal.yaml, one module per operation, named by its operationId."""
