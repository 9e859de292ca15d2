"""Fixtures shared across test directories, and how the suite is spread over workers.

The aws gate's moto server and instance player (gates/aws/tests/aws_support.py), the azure gate's
Azurite, ARM stand-in and VM player (gates/azure/tests/azure_support.py), the openstack gate's
stand-in cloud (gates/openstack/tests/openstack_support.py, one per test, in the test's process),
the Slurm cluster of the slurm gate (gates/slurm/tests/slurm_support.py) and a podman store
holding a test image (tests/containers.py) serve the gates' own tests, the gate conformance suite
and the end-to-end tests, one server process (or cluster, or store) per session.

scripts/test runs the suite on several pytest-xdist workers with ``--dist loadgroup``: the tests
that share a session's server (Slurm, moto, Azurite, PostgreSQL, podman) or its built distributions (packaging) go
to one worker together, so each is started or built once (the aarch64 cross-build, which builds its
own, goes to a worker of its own); every other test goes wherever a worker
is free.
"""

from __future__ import annotations

import os

import pytest

pytest_plugins = [
    "gates.aws.tests.aws_support",
    "gates.azure.tests.azure_support",
    "gates.openstack.tests.openstack_support",
    "gates.slurm.tests.slurm_support",
    "tests.containers",
]

SHARED = {
    "slurm_cluster": "slurm",
    "moto_server": "aws",
    "azurite": "azure",
    "postgres_url": "postgres",
    "wheelhouse": "packaging",
    "podman_store": "podman",
}


def pytest_configure(config: pytest.Config) -> None:
    if "PYTEST_XDIST_WORKER" in os.environ:
        # A worker's environment says COLUMNS=80 and LINES=24, which a run in one process does not:
        # the commands the tests run would draw 80-column tables into their pipes.
        for size in ("COLUMNS", "LINES"):
            os.environ.pop(size, None)


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups into the test IDs
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        needs = getattr(item, "fixturenames", ())
        group = next((name for fixture, name in SHARED.items() if fixture in needs), None)
        if group is None and "tests/packaging/test_aarch64.py" in item.nodeid:
            group = "aarch64"  # its own toolchain and sdist: beside the other builds, not after them
        elif group is None and "tests/packaging/" in item.nodeid:
            group = "packaging"
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
