# Generated from spec/core-gate.yaml by `skyport codegen` (template python_client/package_init.py.jinja).
# Spec sha256: 84facd3c27cd2f18c11ab79d433e2c7938e1f8e1bc6a5d0fe2a6bf0767f51551
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""Skyport gate API

The API every gate serves for one remote site. The core is the only client.

A gate owns one kind of remote site (the local machine, an AWS account, a Slurm cluster).
It offers flavors and images, creates and deletes *partitions* (sets of nodes of one flavor),
runs *jobs* on a partition, and holds each job's files: inputs the core uploads before the
job starts and outputs the core downloads after it ends.

Rules every gate follows:
- The core chooses every ID (partitions and jobs). Creating something that already exists
  with the same ID returns it with 200 instead of 201, so every call can be repeated safely.
- No secret crosses this API. A gate holds its own cloud or cluster credentials.
- State words are the ones below; a gate maps its backend's states onto them.
"""

from .client import Client
from .errors import ApiError, UnexpectedStatus

__all__ = ["ApiError", "Client", "UnexpectedStatus"]
