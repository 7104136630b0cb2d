//! Wire types shared by the controller and its clients.
//!
//! - [`toolwire`]: the hook-tool protocol between the tiny tool client and a
//!   unit agent. Std only, so the client stays small and fast to start.
//! - [`api`]: the CLI <-> controller API, JSON lines over the controller's
//!   unix socket, versioned by [`API_VERSION`].

pub mod api;
pub mod toolwire;

/// Bumped whenever a request or response shape changes incompatibly.
pub const API_VERSION: u32 = 1;
