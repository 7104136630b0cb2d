#!/usr/bin/env python3
"""web-k8s: a sidecar charm whose `web` container runs a tiny web server.

Everything goes through ops' Pebble API against the container's real Pebble:
layers and replan on web-pebble-ready, push/pull/exec in actions, a check
that fails and recovers, custom notices. Every workload hook is appended to
`workload-events.log` beside the charm directory, with its environment.
"""

import json
import os

import ops


class WebCharm(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        f = framework.observe
        f(self.on.web_pebble_ready, self._on_ready)
        f(self.on.config_changed, self._on_ready)
        f(self.on.start, self._on_start)
        f(self.on.web_pebble_custom_notice, self._on_notice)
        f(self.on.web_pebble_check_failed, self._on_check_failed)
        f(self.on.web_pebble_check_recovered, self._on_check_recovered)
        f(self.on.run_action, self._on_run)
        f(self.on.pull_action, self._on_pull)
        f(self.on.push_action, self._on_push)
        f(self.on.notify_action, self._on_notify)
        f(self.on.break_check_action, self._on_break_check)
        f(self.on.info_action, self._on_info)

    @property
    def port(self):
        return int(self.config["port"]) + int(self.unit.name.split("/")[1])

    def _record(self, what):
        env = {k: v for k, v in os.environ.items() if k.startswith(("JUJU_WORKLOAD", "JUJU_NOTICE", "JUJU_PEBBLE"))}
        path = os.path.join(os.environ["JUJU_CHARM_DIR"], "..", "workload-events.log")
        with open(path, "a") as f:
            f.write(json.dumps({"event": what, "env": env}) + "\n")

    @property
    def address(self):
        """The unit's own address (its pod's on a Kubernetes model), where it serves."""
        return str(self.model.get_binding("juju-info").network.bind_address)

    def _layer(self):
        return {
            "summary": "web server",
            "services": {
                "http": {
                    "override": "replace",
                    "command": f"python3 -m http.server {self.port} --bind {self.address} --directory /srv/www",
                    "startup": "enabled",
                },
            },
            "checks": {
                "up": {
                    "override": "replace",
                    "period": "1s",
                    "threshold": 2,
                    "http": {"url": f"http://{self.address}:{self.port}/"},
                },
            },
        }

    def _on_start(self, event):
        self._record("start")

    def _on_ready(self, event):
        if isinstance(event, ops.PebbleReadyEvent):
            self._record(os.environ.get("JUJU_HOOK_NAME", "pebble-ready"))
        c = self.unit.get_container("web")
        if not c.can_connect():
            self.unit.status = ops.WaitingStatus("waiting for Pebble")
            return
        c.push(
            "/srv/www/index.html",
            f"{self.config['greeting']} from {self.unit.name}\n",
            make_dirs=True,
        )
        c.add_layer("web", self._layer(), combine=True)
        c.replan()
        self.unit.set_ports(self.port)
        self.unit.status = ops.ActiveStatus(f"serving on {self.port}")

    def _on_notice(self, event):
        self._record(f"custom-notice {event.notice.key}")
        self.unit.status = ops.ActiveStatus(f"notice {event.notice.key}")

    def _on_check_failed(self, event):
        self._record(f"check-failed {event.info.name}")
        self.unit.status = ops.MaintenanceStatus(f"check {event.info.name} failing")

    def _on_check_recovered(self, event):
        self._record(f"check-recovered {event.info.name}")
        self.unit.status = ops.ActiveStatus(f"serving on {self.port}")

    def _on_run(self, event):
        c = self.unit.get_container("web")
        try:
            out, err = c.exec(["sh", "-c", event.params["command"]], working_dir="/").wait_output()
            event.set_results({"out": out, "err": err or "", "code": 0})
        except ops.pebble.ExecError as e:
            event.set_results({"out": e.stdout or "", "err": e.stderr or "", "code": e.exit_code})

    def _on_pull(self, event):
        c = self.unit.get_container("web")
        event.set_results({"content": c.pull(event.params["path"]).read()})

    def _on_push(self, event):
        c = self.unit.get_container("web")
        c.push(event.params["path"], event.params["content"], make_dirs=True)

    def _on_notify(self, event):
        pebble = self.unit.get_container("web").pebble
        notice_id = pebble.notify(ops.pebble.NoticeType.CUSTOM, event.params["key"])
        event.set_results({"id": notice_id})

    def _on_break_check(self, event):
        c = self.unit.get_container("web")
        if event.params["broken"]:
            c.stop("http")
        else:
            c.start("http")

    def _on_info(self, event):
        c = self.unit.get_container("web")
        event.set_results({
            "can-connect": c.can_connect(),
            "services": json.dumps({n: s.current.value for n, s in c.get_services().items()}),
            "checks": json.dumps({n: s.status.value for n, s in c.get_checks().items()}),
            "plan": c.get_plan().to_yaml(),
        })


if __name__ == "__main__":
    ops.main(WebCharm)
