//! End-to-end tests: the real `minijuju` binary, a real controller in a temp
//! dir, real hook processes and the real hook-tool client.

#[path = "../common/mod.rs"]
mod common;

mod action_commands;
mod actions;
mod api_version;
mod bad_input;
mod cli_edges;
mod clouds;
mod crash;
mod crossmodel;
mod debug_log;
mod deploy_input;
mod exec;
mod expose;
mod failures;
mod help_version;
mod home;
mod k8s;
mod lifecycle;
mod machine_crash;
mod machines;
mod models;
mod readme;
mod reboot;
mod refresh;
mod relation_tools;
mod relations;
mod resources;
mod retry;
mod rust_charm;
mod rust_sidecar;
mod secrets;
mod secrets_cli;
mod secrets_crash;
mod secrets_refused;
mod show_operation;
mod show_status_log;
mod sidecar;
mod sidecar_refresh;
mod source_build;
mod storage;
mod tools;
mod wait_for;
mod warm_python;
