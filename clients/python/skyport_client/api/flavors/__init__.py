# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: ed1c4843aea9afb4f22f14d55a72d46199af21fa85e19b815cd1b73bcab1c89e
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Node shapes the configured remote sites offer."""
