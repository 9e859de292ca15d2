# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/api_init.py.jinja).
# Spec sha256: c5f72cce63a324d35a8e2e24f7f7507e269038518f7414192af9d0813bfeb575
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""One package per tag of spec/core-gate.yaml, one module per operation, named by its operationId."""
