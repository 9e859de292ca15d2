# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/tag_init.py.jinja).
# Spec sha256: 619becf4449e13ef8c8a8a281dda82aaa5a3602f1e1f90461420a222f76bdb39
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Input and output files of a job."""
