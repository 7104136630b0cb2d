//! Write a Juju charm in Rust.
//!
//! This crate reads what Juju tells a charm through the environment — which
//! unit, model and charm directory, which event and that event's data — into
//! typed values, and runs the handlers you registered for that event. Talking
//! back to Juju (reading relation data, setting status, opening ports) is
//! done with the hook tools through the [`hookcmds`] crate, re-exported here
//! as [`charm::hookcmds`](crate::hookcmds). Nothing else: no framework
//! object model, no deferred events, no stored state of its own. A charm
//! built with it runs unchanged under minijuju and under a real Juju,
//! because it only reads Juju's environment variables and runs Juju's hook
//! tools.
//!
//! # Writing a charm in Rust
//!
//! ## Layout
//!
//! A charm is a directory (or a `.charm` zip of one):
//!
//! ```text
//! my-charm/
//!   metadata.yaml    name, relations (requires/provides/peers), storage, ...
//!   config.yaml      options (optional)
//!   actions.yaml     actions and their parameters (optional)
//!   dispatch         your compiled binary
//! ```
//!
//! Keep the source as an ordinary Cargo binary crate next to the YAML files
//! (this repository's example is `examples/charms/kv-rust`: `Cargo.toml`,
//! `src/main.rs`, and the three YAML files) and copy the built binary into
//! the charm directory as `dispatch`.
//!
//! ## The dispatch binary
//!
//! Juju runs `dispatch` for every hook and every action, with no arguments,
//! in the charm directory, with an environment built from scratch (no
//! `HOME`; `PATH` starts with the hook tools). `JUJU_DISPATCH_PATH` says what
//! to do: `hooks/<hook name>` (`hooks/install`, `hooks/db-relation-changed`)
//! or `actions/<action name>`. When it is not set, the program's `argv[0]` is
//! used instead, as ops does, so a binary linked as `hooks/install` works
//! too.
//!
//! Your `main` registers handlers and returns [`Charm::run`]'s exit code:
//!
//! ```no_run
//! use charm::{Charm, Context, EventKind, HandlerResult};
//! use charm::hookcmds::{self, RelationGet, RelationSet};
//!
//! fn install(_ctx: &Context) -> HandlerResult {
//!     hookcmds::app_version_set("1.0")?;
//!     charm::blocked("waiting for db")?;
//!     Ok(())
//! }
//!
//! fn db_changed(ctx: &Context) -> HandlerResult {
//!     let rel = ctx.event.relation().expect("a relation event");
//!     // Our side: every unit says it is ready.
//!     hookcmds::relation_set([("ready", "yes")], &RelationSet::new().id(rel.id))?;
//!     // Their side: the provider application's data.
//!     let Some(app) = &rel.remote_app else { return Ok(()) };
//!     let host: Option<String> = hookcmds::relation_get(
//!         &RelationGet::new().id(rel.id).app(true).unit(app.clone()).key("host"),
//!     )?;
//!     match host.filter(|h| !h.is_empty()) {
//!         Some(host) => charm::active(&format!("db at {host}"))?,
//!         None => charm::blocked("waiting for db")?,
//!     }
//!     Ok(())
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     Charm::new()
//!         .on(EventKind::Install, install)
//!         .on_relation(EventKind::RelationChanged, "db", db_changed)
//!         .on_relation(EventKind::RelationBroken, "db", |_| {
//!             charm::blocked("db relation removed")?;
//!             Ok(())
//!         })
//!         .on_action("whoami", |ctx| {
//!             ctx.set_results(&serde_json::json!({"unit": ctx.env.unit_name}))?;
//!             Ok(())
//!         })
//!         .run()
//! }
//! ```
//!
//! Every handler whose registration matches runs, in registration order:
//! [`Charm::on`] matches a kind whatever its scope, [`Charm::on_relation`]
//! one endpoint, [`Charm::on_action`] one action, [`Charm::on_scoped`] a
//! storage or container name, [`Charm::on_any`] every event (handy for a
//! single "reconcile everything" handler). Events nobody handles succeed
//! without doing anything; actions nobody handles fail.
//!
//! A handler that returns an error makes the process exit 1, with the error
//! on stderr (Juju logs a hook's stderr). For a hook that puts the unit in
//! error: Juju discards what the hook buffered (relation data, charm state,
//! ports) and retries it later. For an action, the action fails. There is
//! no deferral: when a handler cannot do its work yet (the other side has
//! not published its data), it sets a status saying so and returns `Ok`;
//! Juju runs the charm again when something changes (relation-changed,
//! config-changed, update-status).
//!
//! ## Events
//!
//! [`Context`] holds the [`Environment`] (every variable Juju exports to all
//! hooks: unit, application, model name and uuid, charm dir, machine,
//! principal, Juju version, context id, availability zone, proxies, ...) and
//! the [`Event`], whose variants carry the event's own data:
//!
//! | Dispatch path | [`Event`] | Data |
//! |---|---|---|
//! | `hooks/install`, `start`, `stop`, `remove`, `config-changed`, `upgrade-charm`, `update-status`, `leader-elected`, `leader-settings-changed`, `leader-deposed`, `post-series-upgrade` | unit variants | — |
//! | `hooks/<endpoint>-relation-{created,joined,changed,departed,broken}` | `Relation*` | [`RelationEvent`]: endpoint, id, remote app, remote unit, departing unit |
//! | `hooks/<storage>-storage-{attached,detaching}` | `Storage*` | [`StorageEvent`]: name, id, index, location, kind |
//! | `hooks/secret-{changed,rotate,expired,remove}` | `Secret*` | [`SecretEvent`]: id, label, revision |
//! | `actions/<name>` | [`Event::Action`] | [`ActionEvent`]: name, id; parameters on demand with [`Context::params`] |
//! | `hooks/<container>-pebble-ready` | [`Event::PebbleReady`] | container |
//! | `hooks/<container>-pebble-custom-notice`, `-pebble-change-updated` | `Pebble*` | [`NoticeEvent`]: container, notice id, type, key |
//! | `hooks/<container>-pebble-check-{failed,recovered}` | `PebbleCheck*` | [`CheckEvent`]: container, check name |
//! | `hooks/collect-metrics`, `meter-status-changed` | 3.x metering | [`MeterEvent`] |
//! | `hooks/pre-series-upgrade` | [`Event::PreSeriesUpgrade`] | [`SeriesUpgradeEvent`]: target base, series |
//!
//! A hook name that is none of these is an error ([`Error::UnknownHook`]),
//! as is a missing variable the event needs ([`Error::MissingVariable`]).
//!
//! ## Talking to Juju: `hookcmds`
//!
//! Every hook tool has a function in [`hookcmds`], named like its
//! `ops.hookcmds` counterpart: `relation_get`, `relation_set`,
//! `config_get`, `status_set`, `state_get`, `open_port`, `secret_get`, ...
//! Optional arguments are builder structs (`RelationGet::new().id(3)`), and
//! results are typed or deserialized into the type you name. This crate adds
//! only thin shortcuts: [`active`], [`blocked`], [`waiting`] and
//! [`maintenance`] for this unit's status, and the action helpers
//! [`Context::params`], [`Context::param`], [`Context::set_results`] (nested
//! maps flattened to dotted keys, as ops does), [`Context::fail`] and
//! [`Context::log`].
//!
//! Remember Juju's commit rule: relation data, charm state (`state-set`),
//! ports and secrets are buffered and committed only when the process exits
//! 0; status, workload version, logs and action messages take effect
//! immediately.
//!
//! ## Building
//!
//! In this repository, `scripts/build.sh` builds the workspace and assembles
//! each Rust example charm: `target/charms/kv-rust/` gets `metadata.yaml`,
//! `config.yaml`, `actions.yaml` and the `kv-rust` binary (debug, or release
//! with `--release`) as `dispatch`. Deploy it with
//! `minijuju deploy ./target/charms/kv-rust`.
//!
//! For a charm of your own, do the same: `cargo build --release`, copy the
//! binary to `<charm>/dispatch`, and pack or deploy the directory. The
//! binary runs on the machines of the model, so build it for their
//! architecture, and preferably statically (`--target
//! x86_64-unknown-linux-musl`, or `RUSTFLAGS="-C target-feature=+crt-static"`
//! with an explicit `--target`) so that it does not depend on the base's C
//! library.
//!
//! ## Testing
//!
//! Handlers are plain functions of a [`Context`]: build one from a table of
//! variables with [`Context::from_vars`] and call [`Charm::dispatch`], with
//! the hook tools replaced by fakes through [`hookcmds::with_tools_dir`].
//!
//! ```
//! use charm::{Charm, Context, EventKind, Vars};
//!
//! let ctx = Context::from_vars(&Vars::from_pairs([
//!     ("JUJU_UNIT_NAME", "kv-rust/0"),
//!     ("JUJU_MODEL_NAME", "dev"),
//!     ("JUJU_MODEL_UUID", "6b1c0bb2-3b36-4c5b-9b5a-0d2e8a1f4c11"),
//!     ("JUJU_DISPATCH_PATH", "hooks/db-relation-joined"),
//!     ("JUJU_RELATION", "db"),
//!     ("JUJU_RELATION_ID", "db:7"),
//!     ("JUJU_REMOTE_APP", "kv-db"),
//!     ("JUJU_REMOTE_UNIT", "kv-db/0"),
//! ]), None).unwrap();
//! let mut charm = Charm::new().on_relation(EventKind::RelationJoined, "db", |ctx| {
//!     assert_eq!(ctx.event.relation().unwrap().remote_unit.as_deref(), Some("kv-db/0"));
//!     Ok(())
//! });
//! assert_eq!(charm.dispatch(&ctx).unwrap(), 1);
//! ```

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod dispatch;
mod env;
mod error;
mod event;
mod helpers;

pub use dispatch::{BoxError, Charm, Context, HandlerResult};
pub use env::{Environment, JujuVersion, ProxySettings, TraceContext, Vars};
pub use error::Error;
pub use event::{
    parse_hook_name, ActionEvent, CheckEvent, Event, EventKind, MeterEvent, NoticeEvent,
    RelationEvent, SecretEvent, SeriesUpgradeEvent, StorageEvent, StorageKind,
};
pub use helpers::{active, blocked, maintenance, waiting};

/// The hook-tool crate this crate is built on, re-exported so that a charm
/// needs only one dependency.
///
/// ```no_run
/// let leader = charm::hookcmds::is_leader().unwrap_or(false);
/// ```
pub use hookcmds;
