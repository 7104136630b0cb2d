//! Wire types shared by the controller and its clients.
//!
//! - [`toolwire`]: the hook-tool protocol between the tiny tool client and a
//!   unit agent. Std only, so the client stays small and fast to start.
//! - [`api`]: the CLI <-> controller API, JSON lines over the controller's
//!   unix socket, versioned by [`API_VERSION`]; [`envelope`] puts that
//!   version on every request line and checks it on the daemon's side.

#![forbid(unsafe_code)]

pub mod api;
pub mod envelope;
pub mod toolwire;

/// Bumped whenever a request or response shape changes incompatibly, or a
/// request is added (an older daemon could only answer it with `unknown
/// variant`). Every request line carries it (see [`envelope`]); the daemon
/// refuses a line that carries another, so a daemon left running across an
/// upgrade says so instead of misreading requests. Version 1 was the API
/// before request lines carried a version; version 3 added `show-operation`;
/// version 4 sends `config --file`'s text instead of typed values; version 6
/// gives a secret's grants with their scope; version 7 added resources
/// (`deploy --resource`, `attach-resource`, `resources`) and `trust`;
/// version 8 added the storage requests and `deploy --storage`; version 9
/// lets an answer start with progress lines (a deploy that builds its charm
/// from source); version 10 added `refresh`; version 11 the machine requests
/// (`add-machine`, `remove-machine`, `exec --machine`, constraints, SSH
/// keys, the machine view `ssh` and `scp` enter); version 12 added clouds and
/// credentials (and a model's cloud, region and credential);
/// version 13 status history (`show-status-log`), `expose`/`unexpose`, an
/// application's actions and `cancel-task`; version 14 the cross-model requests (`offer`,
/// `consume`, offers, `remove-offer`, `remove-saas`) and status' SAAS and
/// offers; version 15 Kubernetes models (model types, `ScaleApplication`,
/// applications' and pods' addresses and provider ids).
pub const API_VERSION: u32 = 15;
