"""Builds the one compiled part of Skyport: the scheduler kernel ``skyport._sched``.

Set ``SKYPORT_CYTHON_DEBUG=1`` to rebuild it with bounds and wrap-around checks on, for the test
run that hunts memory bugs; only that build keeps its symbols (``-s`` strips the others at link).
"""

import os

from Cython.Build import cythonize
from setuptools import Extension, setup

debug = os.environ.get("SKYPORT_CYTHON_DEBUG") == "1"

setup(
    ext_modules=cythonize(
        [Extension("skyport._sched", ["src/skyport/_sched.pyx"], extra_link_args=[] if debug else ["-s"])],
        compiler_directives={"boundscheck": debug, "wraparound": debug, "initializedcheck": debug},
        # The checked C goes to its own folder, so the next plain build does not reuse it.
        build_dir="build/cython-debug" if debug else None,
        force=debug,
    ),
)
