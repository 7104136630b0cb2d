"""Jubilant's cross-model methods against minijuju: ``offer``, ``consume``,
``integrate`` with the SAAS, and what ``status`` parses of both models (the
SAAS in ``app_endpoints``, the offer in ``offers``); the real kv-db/kv-app
charms exchange their data across the two models.
"""

from __future__ import annotations

import jubilant

from helpers import DEPLOY_TIMEOUT, charm_path


def test_offer_consume_integrate_across_models(minijuju):
    with jubilant.temp_model() as off, jubilant.temp_model() as con:
        off.deploy(charm_path('kv-db'))
        off.offer('kv-db', endpoint='db', name='kvdb')
        con.consume(f'{off.model}.kvdb', 'mydb')
        con.deploy(charm_path('kv-app'))
        con.integrate('kv-app', 'mydb')

        def connected(s: jubilant.Status) -> bool:
            units = s.apps['kv-app'].units.values()
            return bool(units) and all(
                u.workload_status.message.startswith('db at 127.') for u in units
            )

        status = con.wait(connected, timeout=DEPLOY_TIMEOUT)
        saas = status.app_endpoints['mydb']
        assert saas.url == f'admin/{off.model}.kvdb'
        assert saas.endpoints['db'].interface == 'kv'
        assert saas.endpoints['db'].role == 'provider'
        assert saas.relations == {'db': ['kv-app']}
        assert saas.app_status.current == 'active'
        rel = status.apps['kv-app'].relations['db'][0]
        assert rel.related_app == 'mydb'

        offered = off.wait(
            lambda s: s.apps['kv-db'].units['kv-db/0'].workload_status.message.startswith(
                'serving'
            ),
            timeout=DEPLOY_TIMEOUT,
        )
        offer = offered.offers['kvdb']
        assert offer.app == 'kv-db'
        assert offer.endpoints['db'].role == 'provider'
        assert offer.total_connected_count == 1
        assert offer.active_connected_count == 1
        remote = offered.apps['kv-db'].relations['db'][0].related_app
        assert remote.startswith('remote-') and len(remote) == len('remote-') + 32
