# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""What the remote site is and what it offers."""
