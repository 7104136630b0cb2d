//! The unit agent: everything one unit does, as a task inside the controller.
//!
//! - [`decide`]: pure decisions (what runs next, how a hook advances progress);
//!   Juju's ordering and failure rules live there, tested with tables.
//! - [`recover`]: the single start-up interpretation of a journal.
//! - [`progress`]: the persisted journal.
//! - [`agent`]: the loop of effects around `decide` (spawn, persist, wait).
//! - [`runner`], [`env`]: handler discovery, process execution, the hook environment.
//! - [`context`], [`toolserver`]: hook contexts and the per-unit tool socket.
//! - [`charmdir`]: per-unit charm and tools directories.
//! - [`shared`]: the runtime shared by all agents of a controller.
//! - [`warm`]: hooks of Python charms forked from a warm interpreter.
//! - [`pod`], [`container`], [`pebble`]: a sidecar unit's workload
//!   containers, each a real Pebble in its own root, and the calls the agent
//!   makes to them.
//! - [`crashpoint`]: named kill points for the crash suite (`MINIJUJU_CRASH_AT`).

// Unsafe code here is a few libc calls, each with a `// SAFETY:` comment.
#![deny(clippy::undocumented_unsafe_blocks)]

pub mod agent;
pub mod charmdir;
pub mod container;
pub mod context;
pub mod crashpoint;
pub mod decide;
pub mod env;
pub mod machine;
pub mod machine_view;
pub mod orphans;
pub mod pebble;
pub mod pod;
pub mod progress;
pub mod recover;
pub mod runner;
pub mod shared;
pub mod storage;
pub mod toolserver;
pub mod warm;

pub use shared::Runtime;
