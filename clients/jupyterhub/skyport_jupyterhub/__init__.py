"""A JupyterHub spawner that runs each user's notebook server as a job of a Skyport daemon.

``c.JupyterHub.spawner_class = "skyport"`` (or ``skyport_jupyterhub.SkyportSpawner``). The hub
talks to the daemon like any terminal, through the generated client over mutual TLS, with the
certificate of the Skyport home it is given; the job runs wherever the daemon's scheduler puts it.
"""

from skyport_jupyterhub.spawner import SkyportSpawner

__all__ = ["SkyportSpawner"]
