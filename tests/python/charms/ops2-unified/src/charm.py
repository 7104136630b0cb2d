#!/usr/bin/env python3
"""ops2-unified: a charm with only a charmcraft.yaml, on ops 2.x.

ops 2.x builds its charm metadata from metadata.yaml and actions.yaml only (it
fails at start-up without metadata.yaml), so this charm runs only where those
files were generated from charmcraft.yaml.

* install, config-changed, start: ActiveStatus("ops <version>: <greeting> x<repeat>").
* action ``describe``: what ops read from metadata.yaml and actions.yaml, the
  option names in config.yaml, and the greeting with the ``suffix`` parameter
  appended.
"""

from __future__ import annotations

import ops
import yaml


class Ops2UnifiedCharm(ops.CharmBase):
    """Shows its config in its status and describes its own metadata."""

    def __init__(self, framework: ops.Framework):
        super().__init__(framework)
        framework.observe(self.on.install, self._update)
        framework.observe(self.on.config_changed, self._update)
        framework.observe(self.on.start, self._update)
        framework.observe(self.on.describe_action, self._on_describe)

    def _update(self, event: ops.EventBase) -> None:
        greeting = self.config['greeting']
        repeat = self.config['repeat']
        self.unit.status = ops.ActiveStatus(f'ops {ops.__version__}: {greeting} x{repeat}')

    def _on_describe(self, event: ops.ActionEvent) -> None:
        meta = self.meta
        # ops 2.x does not read config.yaml itself; some charm libraries do.
        config_yaml = yaml.safe_load((self.charm_dir / 'config.yaml').read_text())
        event.set_results({
            'name': meta.name,
            'summary': meta.summary,
            'maintainers': ','.join(meta.maintainers),
            'peers': ','.join(sorted(meta.peers)),
            'actions': ','.join(sorted(meta.actions)),
            'options': ','.join(sorted(config_yaml['options'])),
            'greeting': f'{self.config["greeting"]}{event.params.get("suffix", "")}',
        })


if __name__ == '__main__':
    ops.main(Ops2UnifiedCharm)
