# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: f9ecbfe02a46d2b9a940ffc5311f81d60c190917de4eff5f0263ab9b8afbce71
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Node shapes the configured remote sites offer."""
