//! The context of one dispatch and the handler registry.

use std::process::ExitCode;

use crate::{Environment, Error, Event, EventKind, Vars};

/// The error type handlers return: any error, so `?` works on
/// [`hookcmds::Error`], I/O errors, parse errors, or a plain message
/// (`Err("no db yet".into())`).
///
/// ```
/// fn handler(_ctx: &charm::Context) -> charm::HandlerResult {
///     let n: u32 = "42".parse()?;
///     if n > 100 { return Err("too many".into()); }
///     Ok(())
/// }
/// # let _ = handler;
/// ```
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What a handler returns.
///
/// ```
/// fn install(_ctx: &charm::Context) -> charm::HandlerResult { Ok(()) }
/// # let _ = install;
/// ```
pub type HandlerResult = Result<(), BoxError>;

/// Everything a handler gets: the common environment and the event.
///
/// Both are plain public fields; match on `ctx.event` for the event's data.
/// The action helpers ([`params`](Context::params),
/// [`set_results`](Context::set_results), [`fail`](Context::fail),
/// [`log`](Context::log)) run the action tools, which only work inside an
/// action.
///
/// ```
/// let vars = charm::Vars::from_pairs([
///     ("JUJU_UNIT_NAME", "kv-rust/0"), ("JUJU_MODEL_NAME", "dev"),
///     ("JUJU_MODEL_UUID", "u-1"), ("JUJU_DISPATCH_PATH", "hooks/start"),
/// ]);
/// let ctx = charm::Context::from_vars(&vars, None).unwrap();
/// assert_eq!(ctx.event, charm::Event::Start);
/// assert_eq!(ctx.env.app_name(), "kv-rust");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The variables common to every hook.
    pub env: Environment,
    /// The event being handled, with its own data.
    pub event: Event,
}

impl Context {
    /// Read the context of the running process (environment and `argv[0]`).
    ///
    /// ```no_run
    /// let ctx = charm::Context::from_process().expect("not run by Juju");
    /// eprintln!("{} on {}", ctx.event, ctx.env.unit_name);
    /// ```
    pub fn from_process() -> Result<Context, Error> {
        let argv0 = std::env::args_os().next();
        Context::from_vars(
            &Vars::from_process(),
            argv0.as_ref().and_then(|a| a.to_str()),
        )
    }

    /// Read the context from a table of variables; `argv0` is the fallback
    /// dispatch path when `JUJU_DISPATCH_PATH` is not set.
    ///
    /// ```
    /// let vars = charm::Vars::from_pairs([
    ///     ("JUJU_UNIT_NAME", "a/0"), ("JUJU_MODEL_NAME", "m"), ("JUJU_MODEL_UUID", "u"),
    /// ]);
    /// let ctx = charm::Context::from_vars(&vars, Some("hooks/update-status")).unwrap();
    /// assert_eq!(ctx.event, charm::Event::UpdateStatus);
    /// ```
    pub fn from_vars(vars: &Vars, argv0: Option<&str>) -> Result<Context, Error> {
        Ok(Context {
            env: Environment::from_vars(vars)?,
            event: Event::from_vars(vars, argv0)?,
        })
    }

    /// Whether this dispatch is an action.
    ///
    /// ```
    /// # let vars = charm::Vars::from_pairs([("JUJU_UNIT_NAME", "a/0"), ("JUJU_MODEL_NAME", "m"),
    /// #     ("JUJU_MODEL_UUID", "u"), ("JUJU_DISPATCH_PATH", "actions/x"), ("JUJU_ACTION_UUID", "1")]);
    /// let ctx = charm::Context::from_vars(&vars, None).unwrap();
    /// assert!(ctx.is_action());
    /// ```
    pub fn is_action(&self) -> bool {
        matches!(self.event, Event::Action(_))
    }
}

type Handler = Box<dyn FnMut(&Context) -> HandlerResult>;

struct Registration {
    kind: Option<EventKind>,
    scope: Option<String>,
    /// For [`Charm::on_secret`]: the secret's label (`JUJU_SECRET_LABEL`).
    secret_label: Option<String>,
    handler: Handler,
}

impl Registration {
    fn matches(&self, event: &Event) -> bool {
        self.kind.is_none_or(|k| k == event.kind())
            && self
                .scope
                .as_deref()
                .is_none_or(|s| event.scope() == Some(s))
            && self.secret_label.as_deref().is_none_or(|l| {
                event
                    .secret()
                    .is_some_and(|s| s.label.as_deref() == Some(l))
            })
    }
}

/// A charm: handlers registered per event, run by [`Charm::run`].
///
/// Every handler whose registration matches the event runs, in the order
/// they were registered; the first error stops the dispatch. Events
/// without a handler succeed without doing anything, except actions: an
/// action nobody handles fails (with `action-fail`), as Juju fails an action
/// the charm does not implement. There is no deferral: a handler that cannot
/// do its work yet sets a status and returns; Juju calls again on the next
/// relevant event.
///
/// ```no_run
/// use charm::{Charm, Context, EventKind, HandlerResult};
///
/// fn install(_ctx: &Context) -> HandlerResult {
///     charm::maintenance("installing")?;
///     Ok(())
/// }
///
/// fn main() -> std::process::ExitCode {
///     Charm::new()
///         .on(EventKind::Install, install)
///         .on_relation(EventKind::RelationChanged, "db", |ctx| {
///             let rel = ctx.event.relation().unwrap();
///             charm::active(&format!("related on {}", rel.relation_id()))?;
///             Ok(())
///         })
///         .on_action("whoami", |ctx| {
///             ctx.set_results(&serde_json::json!({"unit": ctx.env.unit_name}))?;
///             Ok(())
///         })
///         .run()
/// }
/// ```
#[derive(Default)]
pub struct Charm {
    handlers: Vec<Registration>,
}

impl std::fmt::Debug for Charm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Charm")
            .field("handlers", &self.handlers.len())
            .finish()
    }
}

impl Charm {
    /// A charm with no handlers.
    ///
    /// ```
    /// let charm = charm::Charm::new();
    /// # let _ = charm;
    /// ```
    pub fn new() -> Charm {
        Charm::default()
    }

    fn register(
        mut self,
        kind: Option<EventKind>,
        scope: Option<&str>,
        f: impl FnMut(&Context) -> HandlerResult + 'static,
    ) -> Charm {
        self.handlers.push(Registration {
            kind,
            scope: scope.map(str::to_string),
            secret_label: None,
            handler: Box::new(f),
        });
        self
    }

    /// Handle a secret event of `kind` (`SecretChanged`, `SecretRemove`,
    /// `SecretRotate`, `SecretExpired`) for the secret labelled `label`:
    /// the owner's label for the owner's events, the consumer's label (set
    /// with `secret_get` by id and label) for `secret-changed`. Events of a
    /// secret without that label, and any other kind, do not match.
    ///
    /// ```
    /// use charm::{Event, EventKind};
    /// let charm = charm::Charm::new()
    ///     .on_secret(EventKind::SecretChanged, "db-password", |ctx| {
    ///         let secret = ctx.event.secret().expect("a secret event");
    ///         let _content = hookcmds::secret_get(
    ///             &hookcmds::SecretGet::new().id(&secret.id).refresh(true),
    ///         )?;
    ///         Ok(())
    ///     })
    ///     .on_secret(EventKind::SecretRotate, "api-token", |_ctx| Ok(()));
    /// # let _ = charm;
    /// ```
    pub fn on_secret(
        mut self,
        kind: EventKind,
        label: &str,
        f: impl FnMut(&Context) -> HandlerResult + 'static,
    ) -> Charm {
        self.handlers.push(Registration {
            kind: Some(kind),
            scope: None,
            secret_label: Some(label.to_string()),
            handler: Box::new(f),
        });
        self
    }

    /// Handle every event of `kind`, whatever its scope (all relation
    /// endpoints, all storages, all containers, all actions).
    ///
    /// ```
    /// let charm = charm::Charm::new().on(charm::EventKind::ConfigChanged, |_ctx| Ok(()));
    /// # let _ = charm;
    /// ```
    pub fn on(self, kind: EventKind, f: impl FnMut(&Context) -> HandlerResult + 'static) -> Charm {
        self.register(Some(kind), None, f)
    }

    /// Handle a relation event of `kind` on one endpoint.
    ///
    /// ```
    /// use charm::EventKind;
    /// let charm = charm::Charm::new()
    ///     .on_relation(EventKind::RelationJoined, "db", |_ctx| Ok(()))
    ///     .on_relation(EventKind::RelationBroken, "db", |_ctx| Ok(()));
    /// # let _ = charm;
    /// ```
    pub fn on_relation(
        self,
        kind: EventKind,
        endpoint: &str,
        f: impl FnMut(&Context) -> HandlerResult + 'static,
    ) -> Charm {
        self.on_scoped(kind, endpoint, f)
    }

    /// Handle the action `name`.
    ///
    /// ```
    /// let charm = charm::Charm::new().on_action("whoami", |ctx| {
    ///     ctx.set_results(&serde_json::json!({"unit": ctx.env.unit_name}))?;
    ///     Ok(())
    /// });
    /// # let _ = charm;
    /// ```
    pub fn on_action(
        self,
        name: &str,
        f: impl FnMut(&Context) -> HandlerResult + 'static,
    ) -> Charm {
        self.on_scoped(EventKind::Action, name, f)
    }

    /// Handle an event of `kind` whose [scope](Event::scope) is `scope`: a
    /// relation endpoint, storage name, container name or action name.
    ///
    /// ```
    /// use charm::EventKind;
    /// let charm = charm::Charm::new()
    ///     .on_scoped(EventKind::StorageAttached, "data", |_ctx| Ok(()))
    ///     .on_scoped(EventKind::PebbleReady, "web", |_ctx| Ok(()));
    /// # let _ = charm;
    /// ```
    pub fn on_scoped(
        self,
        kind: EventKind,
        scope: &str,
        f: impl FnMut(&Context) -> HandlerResult + 'static,
    ) -> Charm {
        self.register(Some(kind), Some(scope), f)
    }

    /// Handle every event (a "reconcile" handler), after or before the
    /// specific ones depending on registration order.
    ///
    /// ```
    /// let charm = charm::Charm::new().on_any(|ctx| {
    ///     eprintln!("dispatching {}", ctx.event);
    ///     Ok(())
    /// });
    /// # let _ = charm;
    /// ```
    pub fn on_any(self, f: impl FnMut(&Context) -> HandlerResult + 'static) -> Charm {
        self.register(None, None, f)
    }

    /// Run the handlers matching `ctx.event`, in registration order; returns
    /// how many ran. Stops at the first error.
    ///
    /// ```
    /// use std::{cell::Cell, rc::Rc};
    /// let vars = charm::Vars::from_pairs([
    ///     ("JUJU_UNIT_NAME", "a/0"), ("JUJU_MODEL_NAME", "m"), ("JUJU_MODEL_UUID", "u"),
    ///     ("JUJU_DISPATCH_PATH", "hooks/install"),
    /// ]);
    /// let ctx = charm::Context::from_vars(&vars, None).unwrap();
    /// let seen = Rc::new(Cell::new(false));
    /// let s = seen.clone();
    /// let mut charm = charm::Charm::new()
    ///     .on(charm::EventKind::Install, move |_| { s.set(true); Ok(()) })
    ///     .on(charm::EventKind::Start, |_| Err("not this one".into()));
    /// assert_eq!(charm.dispatch(&ctx).unwrap(), 1);
    /// assert!(seen.get());
    /// ```
    pub fn dispatch(&mut self, ctx: &Context) -> Result<usize, BoxError> {
        let mut ran = 0;
        for r in self.handlers.iter_mut().filter(|r| r.matches(&ctx.event)) {
            (r.handler)(ctx)?;
            ran += 1;
        }
        Ok(ran)
    }

    /// Read the context from the process, dispatch, and turn the outcome
    /// into the exit code Juju expects. Use it as `main`'s return value.
    ///
    /// * A context that cannot be read (not run by Juju, unknown hook,
    ///   missing variable): the error on stderr, exit 1.
    /// * A handler error: `<event> failed: <error>` on stderr (Juju logs a
    ///   hook's stderr at WARNING), exit 1. For a hook the unit goes into
    ///   error and Juju retries it; for an action it is failed, and nothing
    ///   the handler buffered (relation data, state) is committed.
    /// * An action without a handler: `action-fail`, exit 0.
    ///
    /// ```no_run
    /// fn main() -> std::process::ExitCode {
    ///     charm::Charm::new()
    ///         .on(charm::EventKind::Start, |_| charm::active("").map_err(Into::into))
    ///         .run()
    /// }
    /// ```
    pub fn run(mut self) -> ExitCode {
        let ctx = Context::from_process();
        self.finish(ctx)
    }

    fn finish(&mut self, ctx: Result<Context, Error>) -> ExitCode {
        let ctx = match ctx {
            Ok(ctx) => ctx,
            Err(e) => {
                eprintln!("charm: {e}");
                return ExitCode::FAILURE;
            }
        };
        match self.dispatch(&ctx) {
            Ok(0) if ctx.is_action() => {
                let message = format!(
                    "action {:?} is not handled by this charm",
                    ctx.event.scope().unwrap_or_default()
                );
                eprintln!("charm: {message}");
                match ctx.fail(&message) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("charm: {e}");
                        ExitCode::FAILURE
                    }
                }
            }
            Ok(_) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("charm: {} failed: {e}", ctx.event);
                ExitCode::FAILURE
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn ctx(path: &str, extra: &[(&str, &str)]) -> Context {
        let mut vars = vec![
            ("JUJU_UNIT_NAME", "kv-rust/0"),
            ("JUJU_MODEL_NAME", "dev"),
            ("JUJU_MODEL_UUID", "u"),
            ("JUJU_DISPATCH_PATH", path),
        ];
        vars.extend_from_slice(extra);
        Context::from_vars(&Vars::from_pairs(vars), None).unwrap()
    }

    fn rel(path: &str) -> Context {
        ctx(
            path,
            &[("JUJU_RELATION_ID", "x:1"), ("JUJU_REMOTE_APP", "a")],
        )
    }

    /// A charm whose handlers append their label to a shared log.
    fn recording() -> (Charm, Rc<RefCell<Vec<&'static str>>>) {
        let log = Rc::new(RefCell::new(Vec::new()));
        let rec = |label: &'static str| {
            let log = log.clone();
            move |_: &Context| -> HandlerResult {
                log.borrow_mut().push(label);
                Ok(())
            }
        };
        let charm = Charm::new()
            .on_any(rec("any-first"))
            .on(EventKind::Install, rec("install"))
            .on(EventKind::RelationChanged, rec("changed-any-endpoint"))
            .on_relation(EventKind::RelationChanged, "db", rec("db-changed"))
            .on_relation(EventKind::RelationChanged, "cache", rec("cache-changed"))
            .on_relation(EventKind::RelationBroken, "db", rec("db-broken"))
            .on_action("db-info", rec("db-info"))
            .on_scoped(EventKind::StorageAttached, "data", rec("data-attached"))
            .on_scoped(EventKind::PebbleReady, "web", rec("web-ready"))
            .on(EventKind::Install, rec("install-again"))
            .on_any(rec("any-last"));
        (charm, log)
    }

    #[test]
    fn handlers_match_kind_and_scope_in_registration_order() {
        let cases: Vec<(Context, Vec<&str>)> = vec![
            (
                ctx("hooks/install", &[]),
                vec!["any-first", "install", "install-again", "any-last"],
            ),
            (ctx("hooks/start", &[]), vec!["any-first", "any-last"]),
            (
                rel("hooks/db-relation-changed"),
                vec![
                    "any-first",
                    "changed-any-endpoint",
                    "db-changed",
                    "any-last",
                ],
            ),
            (
                rel("hooks/cache-relation-changed"),
                vec![
                    "any-first",
                    "changed-any-endpoint",
                    "cache-changed",
                    "any-last",
                ],
            ),
            (
                rel("hooks/db-relation-broken"),
                vec!["any-first", "db-broken", "any-last"],
            ),
            (
                rel("hooks/db-relation-joined"),
                vec!["any-first", "any-last"],
            ),
            (
                ctx("actions/db-info", &[("JUJU_ACTION_UUID", "3")]),
                vec!["any-first", "db-info", "any-last"],
            ),
            (
                ctx(
                    "hooks/data-storage-attached",
                    &[("JUJU_STORAGE_ID", "data/0")],
                ),
                vec!["any-first", "data-attached", "any-last"],
            ),
            (
                ctx(
                    "hooks/logs-storage-attached",
                    &[("JUJU_STORAGE_ID", "logs/0")],
                ),
                vec!["any-first", "any-last"],
            ),
            (
                ctx("hooks/web-pebble-ready", &[]),
                vec!["any-first", "web-ready", "any-last"],
            ),
        ];
        for (c, want) in cases {
            let (mut charm, log) = recording();
            let ran = charm.dispatch(&c).unwrap();
            assert_eq!(*log.borrow(), want, "{}", c.event);
            assert_eq!(ran, want.len());
        }
    }

    #[test]
    fn secret_handlers_match_kind_and_label() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let rec = |label: &'static str| {
            let log = log.clone();
            move |_: &Context| -> HandlerResult {
                log.borrow_mut().push(label);
                Ok(())
            }
        };
        let mut charm = Charm::new()
            .on(EventKind::SecretChanged, rec("changed-any"))
            .on_secret(EventKind::SecretChanged, "db", rec("db-changed"))
            .on_secret(EventKind::SecretChanged, "api", rec("api-changed"))
            .on_secret(EventKind::SecretRemove, "db", rec("db-remove"))
            .on_secret(EventKind::SecretRotate, "db", rec("db-rotate"))
            .on_secret(EventKind::SecretExpired, "db", rec("db-expired"))
            .on_secret(EventKind::Install, "db", rec("never"));
        let id = ("JUJU_SECRET_ID", "secret:d0vgi3h1c0pg2s2b2ed0");
        let db = ("JUJU_SECRET_LABEL", "db");
        let rev = ("JUJU_SECRET_REVISION", "2");
        let cases: Vec<(Context, Vec<&str>)> = vec![
            (
                ctx("hooks/secret-changed", &[id, db]),
                vec!["changed-any", "db-changed"],
            ),
            (
                ctx("hooks/secret-changed", &[id, ("JUJU_SECRET_LABEL", "api")]),
                vec!["changed-any", "api-changed"],
            ),
            (ctx("hooks/secret-changed", &[id]), vec!["changed-any"]),
            (
                ctx("hooks/secret-changed", &[id, ("JUJU_SECRET_LABEL", "")]),
                vec!["changed-any"],
            ),
            (
                ctx("hooks/secret-remove", &[id, db, rev]),
                vec!["db-remove"],
            ),
            (ctx("hooks/secret-rotate", &[id, db]), vec!["db-rotate"]),
            (
                ctx("hooks/secret-expired", &[id, db, rev]),
                vec!["db-expired"],
            ),
            (
                ctx(
                    "hooks/secret-expired",
                    &[id, ("JUJU_SECRET_LABEL", "x"), rev],
                ),
                vec![],
            ),
            (ctx("hooks/install", &[]), vec![]),
        ];
        for (c, want) in cases {
            log.borrow_mut().clear();
            let ran = charm.dispatch(&c).unwrap();
            assert_eq!(*log.borrow(), want, "{}", c.event);
            assert_eq!(ran, want.len(), "{}", c.event);
        }
    }

    #[test]
    fn the_first_error_stops_the_dispatch() {
        let log = Rc::new(RefCell::new(Vec::new()));
        let l = log.clone();
        let mut charm = Charm::new()
            .on(EventKind::Start, |_| Err("boom".into()))
            .on(EventKind::Start, move |_| {
                l.borrow_mut().push("after");
                Ok(())
            });
        let err = charm.dispatch(&ctx("hooks/start", &[])).unwrap_err();
        assert_eq!(err.to_string(), "boom");
        assert!(log.borrow().is_empty());
        assert_eq!(charm.finish(Ok(ctx("hooks/start", &[]))), ExitCode::FAILURE);
        assert_eq!(charm.finish(Err(Error::NotDispatched)), ExitCode::FAILURE);
        assert!(format!("{charm:?}").contains("handlers: 2"));
    }

    #[test]
    fn unhandled_hooks_succeed_and_unhandled_actions_fail_the_action() {
        let mut charm = Charm::new();
        assert_eq!(
            charm.finish(Ok(ctx("hooks/update-status", &[]))),
            ExitCode::SUCCESS
        );

        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("argv");
        let tool = dir.path().join("action-fail");
        std::fs::write(
            &tool,
            format!(
                "#!/bin/sh\nprintf '%s|' \"$0\" \"$@\" > {}\n",
                log.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        let code = hookcmds::with_tools_dir(dir.path(), || {
            charm.finish(Ok(ctx("actions/backup", &[("JUJU_ACTION_UUID", "9")])))
        });
        assert_eq!(code, ExitCode::SUCCESS);
        let argv = std::fs::read_to_string(&log).unwrap();
        assert_eq!(
            argv,
            format!(
                "{}|--|action \"backup\" is not handled by this charm|",
                tool.display()
            )
        );
    }
}
