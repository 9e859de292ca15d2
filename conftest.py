"""Fixtures shared across test directories.

The aws gate's moto server and instance player (gates/aws/tests/aws_support.py) serve the gate's
own tests, the gate conformance suite and the end-to-end tests of an aws site, from one moto
server process per session.
"""

pytest_plugins = ["gates.aws.tests.aws_support"]
