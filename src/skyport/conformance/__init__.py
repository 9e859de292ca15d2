"""The conformance kit: checks a third party runs to prove their gate speaks spec/core-gate.yaml.

``skyport conformance gate URL --flavor NAME`` runs :data:`skyport.conformance.gate.CHECKS`
against a served gate; Skyport's own test suite runs the same checks on its built-in gates.
"""
