//! One table of tool calls that every [`ToolContext`] must answer the same
//! way: the test fake here, and the agent's store-backed context in
//! `unit-agent` (its tests set up the same [scenario](self) in a real store
//! and run [`check`]). The rules live in [`Session`](crate::Session), so the
//! answers can only differ if the data does.
//!
//! The scenario, which each implementation sets up:
//!
//! * the unit is `wp/0`, running no hook (like `exec`); it is the leader of
//!   `wp`, or for the follower cases `wp/1` is;
//! * relation `db` (id [`Ids::db`]): `wp:db` with `mysql`, member `mysql/0`;
//!   bags: `mysql/0` `{user: wp}`, `mysql` `{password: s3cret}`, `wp/0`
//!   `{own: unit}`, `wp` `{db-name: wordpress}`;
//! * peer relation `peers` (id [`Ids::peers`]): member `wp/1`; bags:
//!   `wp/1` `{peer: one}`, `wp` `{shared: yes}`;
//! * no charm state, no leader settings, no open ports anywhere;
//! * the charm declares `data` (filesystem, 1-4 instances) and `logs`
//!   (block); `wp/0` has `data/0` and `logs/1` attached (and may have
//!   more `data`, no more than 2).
//!
//! Each case runs its steps in one fresh hook, in order; a step is an argv
//! (split at spaces, `{db}`/`{peers}` replaced by the ids) and its exit
//! code, stdout and stderr.

use crate::{run_tool, HookState, ToolContext, ToolRequest, ToolResponse};

/// The relation ids of the scenario in the context under test.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    pub db: i64,
    pub peers: i64,
}

/// Which units run a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Leader,
    Follower,
    Both,
}

/// One step: argv line, exit code, stdout, stderr.
pub type Step = (&'static str, i32, &'static str, &'static str);

/// One case: who runs it, a name, and its steps.
pub type Case = (Who, &'static str, &'static [Step]);

const DENIED: &str = "ERROR permission denied\n";

/// The table.
pub const CASES: &[Case] = &[
    (
        Who::Both,
        "remote unit bag",
        &[(
            "relation-get --format=json -r db:{db} - mysql/0",
            0,
            "{\"user\":\"wp\"}\n",
            "",
        )],
    ),
    (
        Who::Both,
        "remote application bag",
        &[(
            "relation-get --format=json -r {db} --app - mysql",
            0,
            "{\"password\":\"s3cret\"}\n",
            "",
        )],
    ),
    (
        Who::Leader,
        "own application bag, leader",
        &[(
            "relation-get --format=json -r {db} --app - wp",
            0,
            "{\"db-name\":\"wordpress\"}\n",
            "",
        )],
    ),
    (
        Who::Follower,
        "own application bag of a regular relation, follower",
        &[(
            "relation-get --format=json -r {db} --app - wp",
            1,
            "",
            DENIED,
        )],
    ),
    (
        // Juju 3.6: in a peer relation the own application is the other
        // side, so any unit may read its bag.
        Who::Both,
        "own application bag of a peer relation",
        &[(
            "relation-get --format=json -r {peers} --app - wp",
            0,
            "{\"shared\":\"yes\"}\n",
            "",
        )],
    ),
    (
        Who::Both,
        "peer unit bag",
        &[(
            "relation-get --format=json -r {peers} - wp/1",
            0,
            "{\"peer\":\"one\"}\n",
            "",
        )],
    ),
    (
        Who::Both,
        "bags of applications and units not in the relation",
        &[
            (
                "relation-get --format=json -r {db} - ghost/0",
                1,
                "",
                DENIED,
            ),
            (
                "relation-get --format=json -r {db} --app - ghost",
                1,
                "",
                DENIED,
            ),
            (
                "relation-get --format=json -r {peers} --app - mysql",
                1,
                "",
                DENIED,
            ),
        ],
    ),
    (
        Who::Both,
        "own unit bag: read your writes",
        &[
            ("relation-set -r {db} own=changed x=1", 0, "", ""),
            (
                "relation-get --format=json -r {db} - wp/0",
                0,
                "{\"own\":\"changed\",\"x\":\"1\"}\n",
                "",
            ),
            ("relation-set -r {db} x=", 0, "", ""),
            ("relation-get -r {db} x wp/0", 0, "", ""),
        ],
    ),
    (
        Who::Leader,
        "own application bag: read your writes",
        &[
            ("relation-set -r {peers} --app shared= n=2", 0, "", ""),
            (
                "relation-get --format=json -r {peers} --app - wp",
                0,
                "{\"n\":\"2\"}\n",
                "",
            ),
        ],
    ),
    (
        Who::Follower,
        "own application bag: no writes",
        &[
            (
                "relation-set -r {peers} --app n=2",
                1,
                "",
                "ERROR cannot write relation settings\n",
            ),
            (
                "relation-set -r {db} --app n=2",
                1,
                "",
                "ERROR cannot write relation settings\n",
            ),
            (
                "relation-get --format=json -r {peers} --app - wp",
                0,
                "{\"shared\":\"yes\"}\n",
                "",
            ),
        ],
    ),
    (
        Who::Leader,
        "leader settings",
        &[
            ("leader-set a=1", 0, "", ""),
            ("leader-get --format=json a", 0, "\"1\"\n", ""),
        ],
    ),
    (
        Who::Follower,
        "leader settings, follower",
        &[
            (
                "leader-set a=1",
                1,
                "",
                "ERROR cannot write leadership settings: this unit is not the leader\n",
            ),
            ("leader-get --format=json a", 0, "null\n", ""),
        ],
    ),
    (
        Who::Leader,
        "application status",
        &[("status-set --application active", 0, "", "")],
    ),
    (
        Who::Follower,
        "application status, follower",
        &[
            (
                "status-set --application active",
                1,
                "",
                "ERROR this unit is not the leader\n",
            ),
            (
                "status-get --application",
                1,
                "",
                "ERROR finding application status: this unit is not the leader\n",
            ),
        ],
    ),
    (
        Who::Leader,
        "is-leader",
        &[("is-leader --format=json", 0, "true\n", "")],
    ),
    (
        Who::Follower,
        "is-leader, follower",
        &[("is-leader --format=json", 0, "false\n", "")],
    ),
    (
        Who::Both,
        "charm state: read your writes",
        &[
            ("state-get --format=json", 0, "null\n", ""),
            ("state-set k=v", 0, "", ""),
            ("state-get k", 0, "v\n", ""),
            ("state-delete k", 0, "", ""),
            ("state-get --format=json", 0, "null\n", ""),
        ],
    ),
    (
        Who::Both,
        "ports: read your writes",
        &[
            ("open-port 8080", 0, "", ""),
            ("open-port --endpoints db 53/udp", 0, "", ""),
            (
                "opened-ports --format=json --endpoints",
                0,
                "[\"8080/tcp (*)\",\"53/udp (db)\"]\n",
                "",
            ),
            ("close-port 8080", 0, "", ""),
            ("opened-ports --format=json", 0, "[\"53/udp\"]\n", ""),
        ],
    ),
    (
        Who::Both,
        "relation members",
        &[
            (
                "relation-list --format=json -r {peers}",
                0,
                "[\"wp/1\"]\n",
                "",
            ),
            (
                "relation-list --format=json -r {db}",
                0,
                "[\"mysql/0\"]\n",
                "",
            ),
        ],
    ),
    (
        Who::Leader,
        "application secret created and read back in one hook",
        &[
            (
                "secret-add --label creds password=s3cret",
                0,
                SECRET_URI,
                "",
            ),
            (
                "secret-get --label creds --format=json",
                0,
                "{\"password\":\"s3cret\"}\n",
                "",
            ),
            (
                "secret-add --label creds other=x",
                1,
                "",
                "ERROR secret with label \"creds\" already exists\n",
            ),
        ],
    ),
    (
        Who::Follower,
        "a follower creates unit secrets only",
        &[
            (
                "secret-add abc=1",
                1,
                "",
                "ERROR this unit is not the leader\n",
            ),
            (
                "secret-add --owner unit --label mine abc=1",
                0,
                SECRET_URI,
                "",
            ),
            (
                "secret-get --format=json --label mine",
                0,
                "{\"abc\":\"1\"}\n",
                "",
            ),
        ],
    ),
    (
        Who::Both,
        "unknown secret label",
        &[(
            "secret-get --label nope",
            1,
            "",
            "ERROR consumer label \"nope\" not found\n",
        )],
    ),
    (
        Who::Both,
        "storage tools",
        &[
            ("storage-list --format=json logs", 0, "[\"logs/1\"]\n", ""),
            ("storage-get -s logs/1 kind", 0, "block\n", ""),
            (
                "storage-get -s data/0 --format=json kind",
                0,
                "\"filesystem\"\n",
                "",
            ),
            (
                "storage-get",
                2,
                "",
                "ERROR no storage instance specified\n",
            ),
            (
                "storage-get -s data/9",
                2,
                "",
                "ERROR invalid value \"data/9\" for option -s: storage \"data/9\" not found\n",
            ),
            (
                "storage-add nope",
                1,
                "",
                "ERROR adding \"nope\" storage to wp/0: charm storage \"nope\" not found\n",
            ),
            ("storage-add data", 0, "", ""),
        ],
    ),
];

/// An expected stdout matching any `secret://<model uuid>/<xid>` line (ids
/// are random in a real store).
pub const SECRET_URI: &str = "<secret uri>";

fn matches_uri(got: &str) -> bool {
    got.strip_prefix("secret://")
        .and_then(|r| r.strip_suffix('\n'))
        .and_then(|r| r.rsplit_once('/'))
        .is_some_and(|(uuid, id)| !uuid.is_empty() && juju_types::secrets::is_xid(id))
}

/// Run every case `leader` (true: leader, false: follower) takes part in,
/// each in a fresh context from `make(leader)` and a fresh hook; returns a
/// description of every step that answered differently (empty: all agree).
pub fn check(
    make: &mut dyn FnMut(bool) -> Box<dyn ToolContext>,
    ids: Ids,
    leader: bool,
) -> Vec<String> {
    let mut wrong = Vec::new();
    let runs = |who: Who| who == Who::Both || (who == Who::Leader) == leader;
    for (who, name, steps) in CASES.iter().filter(|(who, _, _)| runs(*who)) {
        let _ = who;
        let mut data = make(leader);
        let mut hook = HookState::default();
        for (line, code, stdout, stderr) in steps.iter() {
            let line = line
                .replace("{db}", &ids.db.to_string())
                .replace("{peers}", &ids.peers.to_string());
            let mut argv = line.split(' ').map(String::from);
            let req = ToolRequest {
                tool: argv.next().expect("a tool"),
                args: argv.collect(),
                cwd: "/".into(),
                stdin: None,
            };
            let got = match run_tool(data.as_mut(), &mut hook, &req) {
                ToolResponse::Done {
                    code,
                    stdout,
                    stderr,
                } => (
                    code,
                    String::from_utf8_lossy(&stdout).into_owned(),
                    String::from_utf8_lossy(&stderr).into_owned(),
                ),
                ToolResponse::NeedStdin => (-1, String::new(), "asked for stdin".into()),
            };
            let want = (*code, stdout.to_string(), stderr.to_string());
            let uri_ok = *stdout == SECRET_URI && matches_uri(&got.1);
            if got != want && !(uri_ok && (got.0, &got.2) == (want.0, &want.2)) {
                let role = if leader { "leader" } else { "follower" };
                wrong.push(format!(
                    "{name} ({role}): `{line}`: got {got:?}, want {want:?}"
                ));
            }
        }
    }
    wrong
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{bag, FakeContext, FakeRelation, MODEL_UUID};
    use std::collections::BTreeMap;

    const IDS: Ids = Ids { db: 3, peers: 7 };

    /// The scenario in the fake.
    pub(crate) fn scenario(leader: bool) -> FakeContext {
        let rel = |endpoint: &str, remote_app: &str, unit: &str| FakeRelation {
            endpoint: endpoint.into(),
            remote_app: remote_app.into(),
            units: vec![unit.into()],
            broken: false,
            model_uuid: MODEL_UUID.into(),
        };
        let key = |id: i64, owner: &str, app: bool| (id, owner.to_string(), app);
        FakeContext {
            leader: Ok(leader),
            relations: BTreeMap::from([
                (IDS.db, rel("db", "mysql", "mysql/0")),
                (IDS.peers, rel("peers", "wp", "wp/1")),
            ]),
            bags: BTreeMap::from([
                (key(IDS.db, "mysql/0", false), bag(&[("user", "wp")])),
                (key(IDS.db, "mysql", true), bag(&[("password", "s3cret")])),
                (key(IDS.db, "wp/0", false), bag(&[("own", "unit")])),
                (key(IDS.db, "wp", true), bag(&[("db-name", "wordpress")])),
                (key(IDS.peers, "wp/1", false), bag(&[("peer", "one")])),
                (key(IDS.peers, "wp", true), bag(&[("shared", "yes")])),
            ]),
            foreign_ports: Vec::new(),
            ..FakeContext::default()
        }
    }

    #[test]
    fn the_fake_answers_the_table() {
        for leader in [true, false] {
            let wrong = check(&mut |l| Box::new(scenario(l)), IDS, leader);
            assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        }
    }
}
