# Generated from spec/core-terminal.yaml by `skyport codegen` (template python_client/endpoint.py.jinja).
# Spec sha256: 0dffc4b1faa7ddfc82a239e7feb8b44243f69c45c4f184b8608bfaa949eff517
# Generated, do not edit: change the spec or the template, then run `skyport codegen`.
"""``POST /user/job``: Submit a new job script

Submit a job script with `#SWM` directives, and optionally its input files. The answer is
the new job's ID as plain bytes (Sky Port's shape). A script that cannot be parsed, a
request no site can satisfy, or files over the size limit are refused with 400 or 413 and
nothing is stored.

A script with an `array` directive (`#SWM array 1-100%10`, or `#SBATCH --array`) submits
a job array: one job per task, all stored at once, at most 10,000 tasks (a 400 beyond).
The answer is then the array's ID, and `Location` lists its tasks (`?array=`).
"""

from __future__ import annotations

from typing import Any

import httpx

from ...client import Client
from ...errors import error_for
from ...types import Response, build_response, many_files, one_file, present

_DOCUMENTED_ERRORS: frozenset[int] = frozenset({400, 403, 413})


def _request(
    *, script_content: bytes | None = None, input_files: list[tuple[str, bytes]] | None = None, path: str | None = None
) -> dict[str, Any]:
    return {
        "method": "POST",
        "url": "/user/job",
        "params": present({"path": path}),
        "files": [*one_file("script_content", script_content), *many_files("input_files", input_files)],
    }


def _parse(response: httpx.Response) -> Response[bytes]:
    if response.status_code == 200:
        return build_response(response, response.content)
    raise error_for(response, documented=_DOCUMENTED_ERRORS, has_default=True)


def sync_detailed(
    *,
    client: Client,
    script_content: bytes | None = None,
    input_files: list[tuple[str, bytes]] | None = None,
    path: str | None = None,
) -> Response[bytes]:
    """Submit a new job script

    Submit a job script with `#SWM` directives, and optionally its input files. The answer is
    the new job's ID as plain bytes (Sky Port's shape). A script that cannot be parsed, a
    request no site can satisfy, or files over the size limit are refused with 400 or 413 and
    nothing is stored.

    A script with an `array` directive (`#SWM array 1-100%10`, or `#SBATCH --array`) submits
    a job array: one job per task, all stored at once, at most 10,000 tasks (a 400 beyond).
    The answer is then the array's ID, and `Location` lists its tasks (`?array=`).

    Args:
        script_content: The job script.
        input_files: Input files, staged into the job's work directory under their file names.
        path: Path of a job script on the daemon's host, instead of uploading it (daemon owner only).

    Returns:
        The whole response; ``parsed`` is the body (200: The job was accepted; the body is its ID (an array's ID for a
            job array).).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        client.get_httpx_client().request(**_request(script_content=script_content, input_files=input_files, path=path))
    )


def sync(
    *,
    client: Client,
    script_content: bytes | None = None,
    input_files: list[tuple[str, bytes]] | None = None,
    path: str | None = None,
) -> bytes:
    """Submit a new job script

    Submit a job script with `#SWM` directives, and optionally its input files. The answer is
    the new job's ID as plain bytes (Sky Port's shape). A script that cannot be parsed, a
    request no site can satisfy, or files over the size limit are refused with 400 or 413 and
    nothing is stored.

    A script with an `array` directive (`#SWM array 1-100%10`, or `#SBATCH --array`) submits
    a job array: one job per task, all stored at once, at most 10,000 tasks (a 400 beyond).
    The answer is then the array's ID, and `Location` lists its tasks (`?array=`).

    Args:
        script_content: The job script.
        input_files: Input files, staged into the job's work directory under their file names.
        path: Path of a job script on the daemon's host, instead of uploading it (daemon owner only).

    Returns:
        200: The job was accepted; the body is its ID (an array's ID for a job array).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return sync_detailed(client=client, script_content=script_content, input_files=input_files, path=path).parsed


async def asyncio_detailed(
    *,
    client: Client,
    script_content: bytes | None = None,
    input_files: list[tuple[str, bytes]] | None = None,
    path: str | None = None,
) -> Response[bytes]:
    """Submit a new job script

    Submit a job script with `#SWM` directives, and optionally its input files. The answer is
    the new job's ID as plain bytes (Sky Port's shape). A script that cannot be parsed, a
    request no site can satisfy, or files over the size limit are refused with 400 or 413 and
    nothing is stored.

    A script with an `array` directive (`#SWM array 1-100%10`, or `#SBATCH --array`) submits
    a job array: one job per task, all stored at once, at most 10,000 tasks (a 400 beyond).
    The answer is then the array's ID, and `Location` lists its tasks (`?array=`).

    Args:
        script_content: The job script.
        input_files: Input files, staged into the job's work directory under their file names.
        path: Path of a job script on the daemon's host, instead of uploading it (daemon owner only).

    Returns:
        The whole response; ``parsed`` is the body (200: The job was accepted; the body is its ID (an array's ID for a
            job array).).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return _parse(
        await client.get_async_httpx_client().request(
            **_request(script_content=script_content, input_files=input_files, path=path)
        )
    )


async def asyncio(
    *,
    client: Client,
    script_content: bytes | None = None,
    input_files: list[tuple[str, bytes]] | None = None,
    path: str | None = None,
) -> bytes:
    """Submit a new job script

    Submit a job script with `#SWM` directives, and optionally its input files. The answer is
    the new job's ID as plain bytes (Sky Port's shape). A script that cannot be parsed, a
    request no site can satisfy, or files over the size limit are refused with 400 or 413 and
    nothing is stored.

    A script with an `array` directive (`#SWM array 1-100%10`, or `#SBATCH --array`) submits
    a job array: one job per task, all stored at once, at most 10,000 tasks (a 400 beyond).
    The answer is then the array's ID, and `Location` lists its tasks (`?array=`).

    Args:
        script_content: The job script.
        input_files: Input files, staged into the job's work directory under their file names.
        path: Path of a job script on the daemon's host, instead of uploading it (daemon owner only).

    Returns:
        200: The job was accepted; the body is its ID (an array's ID for a job array).

    Raises:
        ApiError: the server answered with an error; its problem+json body is on the exception.
        UnexpectedStatus: the server answered with a status the spec does not document.
        httpx.HTTPError: the request could not be sent or no answer came.
    """
    return (
        await asyncio_detailed(client=client, script_content=script_content, input_files=input_files, path=path)
    ).parsed
