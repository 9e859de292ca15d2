"""The terminal conformance kit: ``skyport conformance terminal -- COMMAND`` (:mod:`.terminal`).

The gate checks are the gate SDK's (``skyport_gate_sdk.conformance``), so a gate's author runs
them without Skyport installed.
"""
