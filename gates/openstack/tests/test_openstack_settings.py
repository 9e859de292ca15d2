"""The openstack site's settings are checked at start-up, and every error names the key to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from skyport_gate_openstack import settings

from skyport.errors import BadRequest

BASE = {"name": "openstack", "state_dir": "/tmp/x", "images": {"ubuntu": "ubuntu-24.04"}}


def test_images_are_required() -> None:
    with pytest.raises(BadRequest, match="'images' is required"):
        settings.load({"name": "openstack", "state_dir": "/tmp/x"})


def test_a_password_is_not_a_setting_and_the_known_keys_are_named() -> None:
    with pytest.raises(BadRequest, match=r"unknown keys \['password'\].*known: .*ca_file"):
        settings.load({**BASE, "password": "x"})


def test_default_image_must_be_a_configured_image() -> None:
    with pytest.raises(BadRequest, match="'default_image' 'nope' is not one of 'images'"):
        settings.load({**BASE, "default_image": "nope"})


def test_a_ca_file_that_does_not_exist_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadRequest, match=r"'ca_file'.*is not a readable file"):
        settings.load({**BASE, "ca_file": str(tmp_path / "missing.pem")})


def test_server_group_policy_is_one_of_nova_s() -> None:
    with pytest.raises(BadRequest, match="'server_group_policy' must be one of"):
        settings.load({**BASE, "server_group_policy": "spread"})


def test_prices_are_per_flavor_and_absent_ones_are_free() -> None:
    loaded = settings.load({**BASE, "prices": {"m1.small": 0.05}})

    assert loaded.prices == {"m1.small": 0.05}
    assert loaded.prices.get("m1.large", 0.0) == 0.0


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(BadRequest, match=r"'prices\.m1\.small' must be a number >= 0"):
        settings.load({**BASE, "prices": {"m1.small": -1}})
