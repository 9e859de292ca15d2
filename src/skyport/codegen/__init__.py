"""Code generated from the specs: the Python client, the core's gate client, the TypeScript client, gate skeletons.

:mod:`skyport.codegen.model` turns a bundled spec into objects, :mod:`skyport.codegen.generate`
renders a target's jinja2 templates (``templates/<target>/``) and formats the result, and
:mod:`skyport.codegen.cli` is ``skyport codegen``.
"""
