//! The hook environment, built from scratch (never inherited from the
//! controller): exactly uniter-semantics §2 for the hook kind.

use std::path::Path;

/// The standard system path placed after the unit's tools dir.
pub const SYSTEM_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Placeholder API address exported as `JUJU_API_ADDRESSES`: minijuju's
/// controller API is a unix socket, and charms do not dial it.
pub const API_ADDRESSES: &str = "127.0.0.1:17070";

/// Relation variables of a relation hook.
#[derive(Debug, Clone, Default)]
pub struct RelationEnv {
    pub endpoint: String,
    pub id: i64,
    pub remote_unit: String,
    pub remote_app: String,
    /// Set only for relation-departed.
    pub departing_unit: Option<String>,
}

/// Action variables.
#[derive(Debug, Clone)]
pub struct ActionEnv {
    pub name: String,
    pub id: i64,
}

/// Everything the environment is built from.
#[derive(Debug, Clone)]
pub struct EnvInput<'a> {
    pub charm_dir: &'a Path,
    pub tools_dir: &'a Path,
    pub socket: &'a Path,
    pub context_id: &'a str,
    /// Hook name; empty for actions and `exec` commands.
    pub hook_name: &'a str,
    /// `hooks/<name>` or `actions/<name>`; `None` for `exec` commands.
    pub dispatch_path: Option<&'a str>,
    pub unit: &'a str,
    pub model_uuid: &'a str,
    pub model_name: &'a str,
    pub machine_id: &'a str,
    pub principal_unit: &'a str,
    pub relation: Option<&'a RelationEnv>,
    pub action: Option<&'a ActionEnv>,
    /// For secret hooks: `(secret id, label, revision)`; the revision only
    /// for secret-remove (and secret-expired).
    pub secret: Option<(&'a str, &'a str, Option<i64>)>,
    /// For storage hooks: `(storage id, location, kind)`.
    pub storage: Option<(&'a str, &'a str, &'a str)>,
    /// For workload hooks: the hook (its container, notice and check).
    pub workload: Option<&'a juju_types::hook::HookInfo>,
}

/// Build the environment for a hook, action or command.
pub fn build(i: &EnvInput) -> Vec<(String, String)> {
    let charm_dir = i.charm_dir.display().to_string();
    let mut env: Vec<(&str, String)> = vec![
        ("CHARM_DIR", charm_dir.clone()),
        ("JUJU_CHARM_DIR", charm_dir),
        ("JUJU_CONTEXT_ID", i.context_id.into()),
        ("JUJU_HOOK_NAME", i.hook_name.into()),
        ("JUJU_AGENT_SOCKET_ADDRESS", i.socket.display().to_string()),
        ("JUJU_AGENT_SOCKET_NETWORK", "unix".into()),
        ("JUJU_UNIT_NAME", i.unit.into()),
        ("JUJU_MODEL_UUID", i.model_uuid.into()),
        ("JUJU_MODEL_NAME", i.model_name.into()),
        ("JUJU_API_ADDRESSES", API_ADDRESSES.into()),
        ("JUJU_MACHINE_ID", i.machine_id.into()),
        ("JUJU_PRINCIPAL_UNIT", i.principal_unit.into()),
        ("JUJU_AVAILABILITY_ZONE", String::new()),
        ("JUJU_VERSION", juju_types::JUJU_VERSION.into()),
        ("JUJU_SLA", "unsupported".into()),
        ("CLOUD_API_VERSION", String::new()),
        ("JUJU_CHARM_HTTP_PROXY", String::new()),
        ("JUJU_CHARM_HTTPS_PROXY", String::new()),
        ("JUJU_CHARM_FTP_PROXY", String::new()),
        ("JUJU_CHARM_NO_PROXY", String::new()),
        ("PATH", format!("{}:{SYSTEM_PATH}", i.tools_dir.display())),
        ("LANG", "C.UTF-8".into()),
        ("TERM", "tmux-256color".into()),
        ("APT_LISTCHANGES_FRONTEND", "none".into()),
        ("DEBIAN_FRONTEND", "noninteractive".into()),
    ];
    if let Some(p) = i.dispatch_path {
        env.push(("JUJU_DISPATCH_PATH", p.into()));
    }
    if let Some(r) = i.relation {
        env.push(("JUJU_RELATION", r.endpoint.clone()));
        env.push(("JUJU_RELATION_ID", format!("{}:{}", r.endpoint, r.id)));
        env.push(("JUJU_REMOTE_UNIT", r.remote_unit.clone()));
        env.push(("JUJU_REMOTE_APP", r.remote_app.clone()));
        if let Some(d) = &r.departing_unit {
            env.push(("JUJU_DEPARTING_UNIT", d.clone()));
        }
    }
    if let Some((id, label, revision)) = i.secret {
        env.push(("JUJU_SECRET_ID", format!("secret:{id}")));
        env.push(("JUJU_SECRET_LABEL", label.into()));
        if let Some(r) = revision {
            env.push(("JUJU_SECRET_REVISION", r.to_string()));
        }
    }
    if let Some((id, location, kind)) = i.storage {
        env.push(("JUJU_STORAGE_ID", id.into()));
        if !location.is_empty() {
            env.push(("JUJU_STORAGE_LOCATION", location.into()));
        }
        env.push(("JUJU_STORAGE_KIND", kind.into()));
    }
    if let Some(h) = i.workload {
        if let Some(w) = &h.workload {
            env.push(("JUJU_WORKLOAD_NAME", w.clone()));
        }
        if let Some(n) = &h.notice {
            env.push(("JUJU_NOTICE_ID", n.id.clone()));
            env.push(("JUJU_NOTICE_TYPE", n.kind.clone()));
            env.push(("JUJU_NOTICE_KEY", n.key.clone()));
        }
        if let Some(c) = &h.check_name {
            env.push(("JUJU_PEBBLE_CHECK_NAME", c.clone()));
        }
    }
    if let Some(a) = i.action {
        env.push(("JUJU_ACTION_NAME", a.name.clone()));
        env.push(("JUJU_ACTION_UUID", a.id.to_string()));
        env.push(("JUJU_ACTION_TAG", format!("action-{}", a.id)));
    }
    env.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>() -> EnvInput<'a> {
        EnvInput {
            charm_dir: Path::new("/a/charm"),
            tools_dir: Path::new("/a/tools"),
            socket: Path::new("/a/agent.socket"),
            context_id: "app/0-install-ff",
            hook_name: "install",
            dispatch_path: Some("hooks/install"),
            unit: "app/0",
            model_uuid: "u",
            model_name: "dev",
            machine_id: "0",
            principal_unit: "",
            relation: None,
            action: None,
            secret: None,
            storage: None,
            workload: None,
        }
    }

    #[test]
    fn workload_env_names_the_container_the_notice_and_the_check() {
        use juju_types::hook::{HookInfo, HookKind, Notice};
        let mut h = HookInfo::workload(HookKind::PebbleCustomNotice, "web");
        h.notice = Some(Notice {
            id: "4".into(),
            kind: "custom".into(),
            key: "example.com/k".into(),
        });
        let mut i = input();
        i.workload = Some(&h);
        let env = build(&i);
        assert_eq!(get(&env, "JUJU_WORKLOAD_NAME"), Some("web"));
        assert_eq!(get(&env, "JUJU_NOTICE_ID"), Some("4"));
        assert_eq!(get(&env, "JUJU_NOTICE_TYPE"), Some("custom"));
        assert_eq!(get(&env, "JUJU_NOTICE_KEY"), Some("example.com/k"));
        assert!(get(&env, "JUJU_PEBBLE_CHECK_NAME").is_none());
        let mut h = HookInfo::workload(HookKind::PebbleCheckFailed, "web");
        h.check_name = Some("up".into());
        i.workload = Some(&h);
        let env = build(&i);
        assert_eq!(get(&env, "JUJU_PEBBLE_CHECK_NAME"), Some("up"));
        assert!(get(&env, "JUJU_NOTICE_ID").is_none());
        assert!(get(&build(&input()), "JUJU_WORKLOAD_NAME").is_none());
    }

    fn get<'a>(env: &'a [(String, String)], k: &str) -> Option<&'a str> {
        env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }

    #[test]
    fn hook_env_has_exactly_the_common_set() {
        let env = build(&input());
        assert_eq!(
            get(&env, "PATH").unwrap(),
            format!("/a/tools:{SYSTEM_PATH}")
        );
        assert_eq!(get(&env, "JUJU_DISPATCH_PATH"), Some("hooks/install"));
        assert_eq!(get(&env, "JUJU_VERSION"), Some(juju_types::JUJU_VERSION));
        assert!(get(&env, "HOME").is_none());
        assert!(get(&env, "JUJU_RELATION").is_none());
        assert!(get(&env, "JUJU_ACTION_NAME").is_none());
        let mut names: Vec<_> = env.iter().map(|(k, _)| k.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), env.len(), "no duplicates");
    }

    #[test]
    fn action_env_has_empty_hook_name() {
        let a = ActionEnv {
            name: "greet".into(),
            id: 7,
        };
        let mut i = input();
        i.hook_name = "";
        i.dispatch_path = Some("actions/greet");
        i.action = Some(&a);
        let env = build(&i);
        assert_eq!(get(&env, "JUJU_HOOK_NAME"), Some(""));
        assert_eq!(get(&env, "JUJU_ACTION_UUID"), Some("7"));
        assert_eq!(get(&env, "JUJU_ACTION_TAG"), Some("action-7"));
    }

    #[test]
    fn relation_env_exports_empty_remote_unit() {
        let r = RelationEnv {
            endpoint: "db".into(),
            id: 3,
            remote_app: "pg".into(),
            ..Default::default()
        };
        let mut i = input();
        i.relation = Some(&r);
        let env = build(&i);
        assert_eq!(get(&env, "JUJU_RELATION_ID"), Some("db:3"));
        assert_eq!(get(&env, "JUJU_REMOTE_UNIT"), Some(""));
        assert!(get(&env, "JUJU_DEPARTING_UNIT").is_none());
    }

    #[test]
    fn secret_env_exports_id_and_label_even_when_empty() {
        let mut i = input();
        i.hook_name = "secret-changed";
        i.secret = Some(("9m4e2mr0ui3e8a215n4g", "", None));
        let env = build(&i);
        assert_eq!(
            get(&env, "JUJU_SECRET_ID"),
            Some("secret:9m4e2mr0ui3e8a215n4g")
        );
        assert_eq!(get(&env, "JUJU_SECRET_LABEL"), Some(""));
        assert!(get(&env, "JUJU_SECRET_REVISION").is_none());
        assert!(get(&build(&input()), "JUJU_SECRET_ID").is_none());
        i.secret = Some(("9m4e2mr0ui3e8a215n4g", "db", Some(3)));
        assert_eq!(get(&build(&i), "JUJU_SECRET_REVISION"), Some("3"));
    }

    #[test]
    fn storage_env_only_for_storage_hooks() {
        let mut i = input();
        assert!(get(&build(&i), "JUJU_STORAGE_ID").is_none());
        i.hook_name = "data-storage-attached";
        i.storage = Some(("data/0", "/srv/data", "filesystem"));
        let env = build(&i);
        assert_eq!(get(&env, "JUJU_STORAGE_ID"), Some("data/0"));
        assert_eq!(get(&env, "JUJU_STORAGE_LOCATION"), Some("/srv/data"));
        assert_eq!(get(&env, "JUJU_STORAGE_KIND"), Some("filesystem"));
    }
}
