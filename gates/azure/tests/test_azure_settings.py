"""The azure site's settings are checked at start-up, and every error names the key to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from skyport_gate_azure import settings

from skyport.errors import BadRequest

BASE = {
    "name": "azure",
    "state_dir": "/tmp/x",
    "subscription_id": "sub",
    "location": "westeurope",
    "storage_account": "skyportfiles",
    "container": "jobs",
}


def test_missing_container_is_named() -> None:
    with pytest.raises(BadRequest, match="'container' is required"):
        settings.load({**BASE, "container": ""})


def test_a_secret_is_no_setting() -> None:
    with pytest.raises(BadRequest, match=r"unknown keys \['client_secret'\].*known: .*storage_key_env"):
        settings.load({**BASE, "client_secret": "x"})


def test_images_are_urns_or_resource_ids() -> None:
    gallery = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/galleries/x/images/hpc/versions/1.0.0"
    loaded = settings.load({**BASE, "images": {"ubuntu": "Canonical:ubuntu-24_04-lts:server", "hpc": gallery}})

    assert loaded.images["ubuntu"].reference() == {
        "publisher": "Canonical",
        "offer": "ubuntu-24_04-lts",
        "sku": "server",
        "version": "latest",
    }
    assert loaded.images["hpc"].reference() == {"id": gallery}


def test_an_image_that_is_neither_is_refused_saying_what_it_needs() -> None:
    with pytest.raises(BadRequest, match=r"'images\.x': 'ubuntu' is neither publisher:offer:sku"):
        settings.load({**BASE, "images": {"x": "ubuntu"}})


def test_default_image_must_be_a_configured_image() -> None:
    with pytest.raises(BadRequest, match="'default_image' 'nope' is not one of 'images'"):
        settings.load({**BASE, "images": {"ubuntu": "a:b:c"}, "default_image": "nope"})


def test_url_expiry_beyond_seven_days_is_refused() -> None:
    with pytest.raises(BadRequest, match="url_expiry"):
        settings.load({**BASE, "url_expiry": 8 * 86400})


def test_a_site_name_azure_cannot_use_in_group_names_is_refused() -> None:
    with pytest.raises(BadRequest, match="resource group names"):
        settings.load({**BASE, "name": "my site/1"})


def test_prices_in_settings_override_the_price_file(tmp_path: Path) -> None:
    price_file = tmp_path / "prices.json"
    price_file.write_text('{"regions": {"westeurope": {"Standard_B1s": 1.0, "Standard_D2s_v5": 2.0}}}')

    loaded = settings.load({**BASE, "price_file": str(price_file), "prices": {"Standard_D2s_v5": 3.0}})

    assert settings.load_prices(loaded) == {"Standard_B1s": 1.0, "Standard_D2s_v5": 3.0}
