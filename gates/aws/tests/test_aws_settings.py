"""The aws site's settings are checked at start-up, and every error names the key to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from skyport_gate_aws import settings

from skyport.errors import BadRequest

BASE = {"name": "aws", "state_dir": "/tmp/x", "region": "us-east-1", "bucket": "b-skyport"}


def test_missing_bucket_is_named() -> None:
    with pytest.raises(BadRequest, match="'bucket' is required"):
        settings.load({**BASE, "bucket": ""})


def test_unknown_key_is_named_with_the_known_ones() -> None:
    with pytest.raises(BadRequest, match=r"unknown keys \['aws_secret_access_key'\].*known: .*bucket"):
        settings.load({**BASE, "aws_secret_access_key": "x"})


def test_url_expiry_beyond_seven_days_is_refused() -> None:
    with pytest.raises(BadRequest, match="url_expiry"):
        settings.load({**BASE, "url_expiry": 8 * 86400})


def test_default_image_must_be_a_configured_image() -> None:
    with pytest.raises(BadRequest, match="'default_image' 'nope' is not one of 'images'"):
        settings.load({**BASE, "images": {"al2023": "ami-1"}, "default_image": "nope"})


def test_flavor_mapping_is_a_describe_instance_types_filter() -> None:
    loaded = settings.load({**BASE, "flavors": {"instance-type": ["c5.*"]}})

    assert loaded.flavor_filters == {"instance-type": ("c5.*",)}


def test_prices_in_settings_override_the_price_file(tmp_path: Path) -> None:
    price_file = tmp_path / "prices.json"
    price_file.write_text('{"regions": {"us-east-1": {"t3.micro": 1.0, "c5.large": 2.0}}}')

    loaded = settings.load({**BASE, "price_file": str(price_file), "prices": {"c5.large": 3.0}})

    assert settings.load_prices(loaded) == {"t3.micro": 1.0, "c5.large": 3.0}
