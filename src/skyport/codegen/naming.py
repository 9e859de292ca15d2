"""Names for generated code: snake_case, PascalCase and identifiers that dodge reserved words."""

from __future__ import annotations

import keyword
import re

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
# Names a generated model or endpoint module defines itself; a field of that name would hide them.
_TAKEN = frozenset({"from_dict", "to_dict", "client", "self", "cls"})


def words(text: str) -> list[str]:
    """The words of ``text``, split at case changes and non-alphanumeric characters."""
    return [word.lower() for word in _WORDS.findall(text)]


def snake(text: str) -> str:
    """``jobId`` -> ``job_id``; ``state-power`` -> ``state_power``."""
    return "_".join(words(text))


def pascal(text: str) -> str:
    """``job_state`` -> ``JobState``; a name already in PascalCase stays as it is."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)


def upper_snake(text: str) -> str:
    """``creating`` -> ``CREATING``; ``2x`` -> ``VALUE_2X`` (an enum member name)."""
    name = snake(text).upper() or "EMPTY"
    return f"VALUE_{name}" if name[0].isdigit() else name


def python_identifier(text: str) -> str:
    """A snake_case identifier for ``text``, with ``_`` appended to keywords and taken names."""
    name = snake(text)
    if not name:
        raise ValueError(f"{text!r} has no letters or digits to make a name from")
    if name[0].isdigit():
        name = f"n{name}"
    if keyword.iskeyword(name) or name in _TAKEN:
        name = f"{name}_"
    return name


def camel(text: str) -> str:
    """``job_id`` -> ``jobId`` (TypeScript function and parameter names)."""
    name = pascal(snake(text))
    return name[:1].lower() + name[1:]
