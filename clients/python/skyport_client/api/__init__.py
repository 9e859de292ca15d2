# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/api_init.py.jinja).
# Spec sha256: 22a0ec96100cfcc6b836eee69ae35cb39329073627965a6ec81aaa7055576c1c
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""One package per tag of spec/core-terminal.yaml, one module per operation, named by its operationId."""
