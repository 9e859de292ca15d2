"""``skyport nodes``, ``remotes``, ``flavors``, ``images``: what the sites offer."""

from __future__ import annotations

import click
from skyport_client import Client
from skyport_client.api.flavors import list_flavors
from skyport_client.api.images import list_images
from skyport_client.api.nodes import list_nodes
from skyport_client.api.remotes import list_remotes

from skyport.cli import render
from skyport.cli.context import Context


def _resources(item: dict[str, object]) -> str:
    resources = item.get("resources") or []
    assert isinstance(resources, list)
    return ", ".join(f"{r['name']}={r.get('count', 0)}" for r in resources)


def _site_names(client: Client) -> dict[str, str]:
    return {str(site.id): str(site.name) for site in list_remotes.sync(client=client)}


@click.command()
@click.pass_obj
def nodes(obj: Context) -> None:
    """List the nodes of the partitions that exist now."""
    with obj.client() as client:
        items = [n.to_dict() for n in list_nodes.sync(client=client)]
    keys = ("name", "remote_name", "flavor_name", "state_power", "state_alloc")
    columns = ("NAME", "SITE", "FLAVOR", "POWER", "ALLOC", "RESOURCES")
    render.listing(items, obj.as_json, "Nodes", columns, lambda n: [*(n.get(key) for key in keys), _resources(n)])


@click.command()
@click.pass_obj
def remotes(obj: Context) -> None:
    """List the configured remote sites, with what was spent on each."""
    with obj.client() as client:
        items = [r.to_dict() for r in list_remotes.sync(client=client)]
    render.listing(
        items,
        obj.as_json,
        "Remote sites",
        ("NAME", "KIND", "SPEND", "ISOLATION", "STATUS"),
        lambda r: (r.get("name"), r.get("kind"), render.money(r.get("spend")), _isolation(r), r.get("state_details")),
    )


def _isolation(remote: dict[str, object]) -> str:
    """How a site isolates jobs, e.g. "bubblewrap, cgroup-v1, as owner"."""
    isolation = remote.get("isolation") or {}
    assert isinstance(isolation, dict)
    words = [isolation.get("sandbox"), isolation.get("limits")]
    if isolation.get("run_as"):
        words.append(f"as {isolation['run_as']}")
    return ", ".join(str(word) for word in words if word)


@click.command()
@click.pass_obj
def flavors(obj: Context) -> None:
    """List the node shapes the sites offer, with prices per node-hour."""
    with obj.client() as client:
        items = [f.to_dict() for f in list_flavors.sync(client=client)]
        site_names = _site_names(client)
    render.listing(
        items,
        obj.as_json,
        "Flavors",
        ("NAME", "SITE", "CPUS", "MEM MiB", "GPUS", "PRICE/H"),
        lambda f: (
            f.get("name"),
            site_names.get(str(f.get("remote_id")), ""),
            f.get("cpus"),
            f.get("mem"),
            f.get("gpus"),
            render.money(f.get("price")),
        ),
    )


@click.command()
@click.pass_obj
def images(obj: Context) -> None:
    """List the images the sites offer."""
    with obj.client() as client:
        items = [i.to_dict() for i in list_images.sync(client=client)]
        site_names = _site_names(client)
    render.listing(
        items,
        obj.as_json,
        "Images",
        ("NAME", "KIND", "SITE", "COMMENT"),
        lambda i: (i.get("name"), i.get("kind"), site_names.get(str(i.get("remote_id")), ""), i.get("comment")),
    )
