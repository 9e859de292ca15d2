"""A gate without a container runtime refuses a job that must run in an image, naming it."""

from __future__ import annotations

import pytest
from skyport_gate_sdk.errors import BadRequest
from skyport_gate_sdk.images import refuse_image


def test_a_job_without_image_or_volumes_passes() -> None:
    refuse_image("lab", {"id": "j", "partition_id": "p", "script": "true"})


@pytest.mark.parametrize(
    ("extra", "says"),
    [({"image": "ubuntu:22.04"}, "cannot run image 'ubuntu:22.04'"), ({"volumes": ["/data"]}, "volumes (/data)")],
)
def test_an_image_or_a_volume_is_refused_with_the_site_named(extra: dict[str, object], says: str) -> None:
    with pytest.raises(BadRequest, match=r"site lab ") as refused:
        refuse_image("lab", {"id": "j", "partition_id": "p", "script": "true", **extra})

    assert says in refused.value.detail
    assert refused.value.status == 400
