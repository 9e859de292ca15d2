"""``skyport-gate``: what it says when it cannot serve, without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from skyport_gate_sdk.cli import main

from skyport import pki  # the SDK reads a home; making one (a CA) is the daemon's


def test_serve_on_a_home_without_certificates_says_how_to_make_them(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "local", "--home", str(tmp_path)])
    assert "skyport init" in str(stopped.value.code) and str(tmp_path) in str(stopped.value.code)


def test_serve_an_unknown_kind_names_the_installed_ones(tmp_path: Path) -> None:
    pki.init_authority(tmp_path / "home", "owner")
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "nosuchkind", "--home", str(tmp_path / "home")])
    assert "no gate of kind 'nosuchkind' is installed" in str(stopped.value.code)
    assert "local" in str(stopped.value.code)


def test_settings_that_are_not_a_mapping_are_refused(tmp_path: Path) -> None:
    settings = tmp_path / "site.yaml"
    settings.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "local", "--config", str(settings), "--home", str(tmp_path)])
    assert "must be a YAML mapping" in str(stopped.value.code)
