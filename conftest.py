"""Fixtures shared across test directories.

The aws gate's moto server and instance player (gates/aws/tests/aws_support.py) and the Slurm
cluster of the slurm gate (gates/slurm/tests/slurm_support.py) serve the gates' own tests, the
gate conformance suite and the end-to-end tests, one server process (or cluster) per session.
"""

pytest_plugins = ["gates.aws.tests.aws_support", "gates.slurm.tests.slurm_support"]
