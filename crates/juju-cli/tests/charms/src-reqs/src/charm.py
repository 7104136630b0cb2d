#!/usr/bin/env python3
"""Reports the versions it runs with: in its status and through an action."""

import importlib.metadata
import sys

import ops

EDITION = "first"


def versions():
    names = ("ops", "PyYAML", "websocket-client")
    return {n.lower(): importlib.metadata.version(n) for n in names}


class ReqsCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.start, self._on_start)
        framework.observe(self.on.versions_action, self._on_versions)

    def _on_start(self, event):
        self.unit.status = ops.ActiveStatus(f"ops {ops.__version__} {EDITION}")

    def _on_versions(self, event):
        v = versions()
        v["ops-imported"] = ops.__version__
        v["edition"] = EDITION
        v["python"] = sys.executable
        event.set_results(v)


if __name__ == "__main__":
    ops.main(ReqsCharm)
