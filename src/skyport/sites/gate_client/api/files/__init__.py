# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 97d4c2e67c6ac08e4f7c78196c109b5f62c78f8a0a8b17947be1d617d3821cee
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Input and output files of a job."""
