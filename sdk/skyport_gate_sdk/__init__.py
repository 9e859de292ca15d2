"""Skyport's gate SDK: what a gate needs to serve Skyport's gate API, and nothing of the daemon.

- :mod:`skyport_gate_sdk.apps`: :func:`~skyport_gate_sdk.apps.gate_app` turns an object with one
  method per operationId into an ASGI app serving ``spec/core-gate.yaml`` (shipped in this package),
  validating requests and answering errors as problem+json;
- :mod:`skyport_gate_sdk.errors`: the errors to raise in a handler (``NotFound``, ``Conflict``, ...);
- :mod:`skyport_gate_sdk.settings`: checks for a site's settings that name the key and the fix;
- :mod:`skyport_gate_sdk.files` and :mod:`skyport_gate_sdk.outputs`: names, whole-or-nothing writes,
  and outputs read back from a job's work folder without following what the job left there;
- :mod:`skyport_gate_sdk.bootstrap`: the user-data and job bundle scripts a cloud gate's node runs,
  fetching its job and putting its results through signed object-storage URLs, and the reading of
  the markers they leave; :mod:`skyport_gate_sdk.staged`: a cloud gate's records and its job and
  file operations on such a store; :mod:`skyport_gate_sdk.s3`: that store on S3 (presigned URLs);
- :mod:`skyport_gate_sdk.serve`: ``skyport-gate serve KIND``, the gate over HTTPS with mutual TLS,
  admitting only the core certificate of a Skyport home;
- :mod:`skyport_gate_sdk.conformance`: ``skyport-gate conformance URL``, the checks every gate passes.

Modules are imported on use: importing this package costs nothing.
"""
