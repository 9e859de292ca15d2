"""The generator refuses a spec it cannot turn into code with one clear message naming the place.

Each file in tests/fixtures/specs/ has one failure and says in ``x-expected-error`` what the
message must contain.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skyport.codegen.model import SpecError, build_api

FIXTURES = Path(__file__).parents[1] / "fixtures" / "specs"


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.yaml")), ids=lambda path: path.stem)
def test_broken_spec_is_refused_with_a_message_naming_the_fault(fixture: Path) -> None:
    document = yaml.safe_load(fixture.read_text(encoding="utf-8"))
    with pytest.raises(SpecError) as refused:
        build_api(document, fixture.name)
    assert document["x-expected-error"] in str(refused.value)
    assert str(refused.value).startswith(f"{fixture.name}: ")
