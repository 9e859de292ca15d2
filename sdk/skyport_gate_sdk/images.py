"""What a gate without a container runtime answers a job that must run in an image.

start_job's ``image`` and ``volumes`` (spec/core-gate.yaml) are not hints: a job that asks for an
image must run in it or not at all, so a gate that runs jobs only on its site's own system refuses
such a job with a 400 naming the image, and the job ends in error saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skyport_gate_sdk.errors import BadRequest


def refuse_image(site: str, body: Mapping[str, Any]) -> None:
    """BadRequest when the start_job request ``body`` names an image or volumes; site ``site`` has neither."""
    if body.get("image"):
        raise BadRequest(
            f"site {site} cannot run image {body['image']!r}: it has no container runtime and runs jobs on its "
            "own system only; run the job on a site that has the image"
        )
    if body.get("volumes"):
        raise BadRequest(f"site {site} cannot give a job volumes ({', '.join(body['volumes'])}): it has no sandbox")
