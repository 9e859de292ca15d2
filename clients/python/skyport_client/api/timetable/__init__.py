# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 9ae30be8fc671cb310b1d237dd0f43bedfe8e38d90a74a139bcdfcc2d245c5c5
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""The scheduler's plan for pending jobs."""
