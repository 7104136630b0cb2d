//! Stand-ins for the hook tools minijuju does not provide, so that a charm
//! calling one gets a clear error instead of "command not found".
//!
//! * [`UNSUPPORTED_TOOL_NAMES`]: tools of Juju 3.6 (hook-tools.md §3, and the
//!   `ops.hookcmds` functions) not implemented yet. Each fails with exit 1 and
//!   `ERROR minijuju does not support the <tool> hook tool yet`. Implementing
//!   one moves its name to `TOOL_NAMES` and adds its file.
//! * [`REMOVED_TOOL_NAMES`]: tools Juju 4 no longer has (`add-metric` is gone
//!   from 3.6.11 as well): Juju's tool server answers a command it does not
//!   have with `ERROR bad request: unknown hook command: <tool>` (exit 1), and
//!   so do these.

use crate::{ToolError, ToolResponse};

/// Juju 3.6 hook tools that minijuju does not implement yet.
pub const UNSUPPORTED_TOOL_NAMES: &[&str] = &[];

/// Hook tools removed from Juju (Juju 4; `add-metric` also from 3.6.11).
pub const REMOVED_TOOL_NAMES: &[&str] = &[
    "add-metric",
    "k8s-raw-get",
    "k8s-raw-set",
    "k8s-spec-get",
    "k8s-spec-set",
    "payload-register",
    "payload-status-set",
    "payload-unregister",
    "pod-spec-get",
    "pod-spec-set",
];

/// The answer to a tool that is not (or no longer) implemented, whatever its
/// arguments; `None` for a name in neither list.
pub fn answer(tool: &str) -> Option<ToolResponse> {
    if UNSUPPORTED_TOOL_NAMES.contains(&tool) {
        return Some(
            ToolError::runtime(format!(
                "minijuju does not support the {tool} hook tool yet"
            ))
            .into(),
        );
    }
    if REMOVED_TOOL_NAMES.contains(&tool) {
        return Some(unknown(tool));
    }
    None
}

/// Juju's answer to a tool name its server does not have.
pub fn unknown(tool: &str) -> ToolResponse {
    ToolError::runtime(format!("bad request: unknown hook command: {tool}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{fail, run, FakeContext};
    use crate::TOOL_NAMES;

    /// The hook tools of Juju 3.6 (hook-tools.md §3) and the `ops.hookcmds`
    /// functions: every one is either implemented or has a stand-in.
    const JUJU_36_TOOLS: &[&str] = &[
        "action-fail",
        "action-get",
        "action-log",
        "action-set",
        "application-version-set",
        "close-port",
        "config-get",
        "credential-get",
        "goal-state",
        "is-leader",
        "juju-log",
        "juju-reboot",
        "leader-get",
        "leader-set",
        "network-get",
        "open-port",
        "opened-ports",
        "relation-get",
        "relation-ids",
        "relation-list",
        "relation-model-get",
        "relation-set",
        "resource-get",
        "secret-add",
        "secret-get",
        "secret-grant",
        "secret-ids",
        "secret-info-get",
        "secret-remove",
        "secret-revoke",
        "secret-set",
        "state-delete",
        "state-get",
        "state-set",
        "status-get",
        "status-set",
        "storage-add",
        "storage-get",
        "storage-list",
        "unit-get",
    ];

    #[test]
    fn every_juju_tool_is_implemented_or_stood_in_for_exactly_once() {
        let all: Vec<&str> = crate::linked_tool_names().collect();
        for name in JUJU_36_TOOLS {
            assert_eq!(all.iter().filter(|n| *n == name).count(), 1, "{name}");
        }
        for name in UNSUPPORTED_TOOL_NAMES {
            assert!(JUJU_36_TOOLS.contains(name), "{name} is not a Juju tool");
            assert!(!TOOL_NAMES.contains(name), "{name} is implemented");
        }
        for name in REMOVED_TOOL_NAMES {
            assert!(!TOOL_NAMES.contains(name) && !UNSUPPORTED_TOOL_NAMES.contains(name));
            assert!(!JUJU_36_TOOLS.contains(name), "{name} is a current tool");
        }
    }

    #[test]
    fn unsupported_tools_say_so_whatever_the_arguments() {
        for name in UNSUPPORTED_TOOL_NAMES {
            let want = fail(
                1,
                &format!("minijuju does not support the {name} hook tool yet"),
            );
            for argv in [
                &[*name][..],
                &[name, "x", "--format=json"],
                &[name, "--help"],
            ] {
                assert_eq!(run(&mut FakeContext::default(), argv), want, "{argv:?}");
            }
        }
    }

    #[test]
    fn removed_tools_answer_as_juju_4_does() {
        for name in REMOVED_TOOL_NAMES {
            let want = fail(1, &format!("bad request: unknown hook command: {name}"));
            for argv in [&[*name][..], &[name, "k=1"]] {
                assert_eq!(run(&mut FakeContext::default(), argv), want, "{argv:?}");
            }
        }
    }
}
