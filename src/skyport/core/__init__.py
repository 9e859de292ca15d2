"""The core daemon: terminal API, scheduling loop, and the order they start and stop in."""
