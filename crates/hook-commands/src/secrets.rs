//! The secret rules of a hook context (uniter-semantics.md §8, hook-tools.md
//! §1.5, §2.14–2.21), above the data:
//!
//! * every change (`secret-add`, `secret-set`, `secret-remove`, grants,
//!   revokes, a consumer's tracking and label) is buffered as a
//!   [`SecretOp`] and committed with the hook only when it exits 0; later
//!   calls in the same hook see the pending creates and updates;
//! * the owner is this unit (`--owner unit`) or its application; only the
//!   leader may change, grant, revoke or remove an application-owned
//!   secret (`this unit is not the leader`); any unit of the owner may read;
//! * an owner always reads the latest revision; a consumer (a unit granted
//!   access, itself or through its application) reads the revision it
//!   tracks: the first read tracks the latest, `--refresh` moves the
//!   tracking to the latest, `--peek` reads the latest once;
//! * a secret that does not exist, or that this unit neither owns nor
//!   consumes, is `secret "<id>" not found` (ops maps "not found" to
//!   `SecretNotFoundError`); a consumer label nobody set is `consumer label
//!   "<label>" not found`; an existing secret this unit may not read (never
//!   granted, or revoked) is `permission denied`, as Juju's secrets facade
//!   answers (ops raises `ModelError` and logs a security event).

use juju_types::secrets::{Content, OwnerKind, SecretMeta, SecretMetaChange, SecretOp};

use crate::{Session, ToolError};

/// Juju's answer to reading a secret this unit may not read.
pub(crate) fn permission_denied() -> ToolError {
    ToolError::runtime("permission denied")
}

/// `secret "x" not found`.
pub(crate) fn not_found(what: &str) -> ToolError {
    ToolError::runtime(format!(
        "secret {} not found",
        juju_types::output::go_quote(what)
    ))
}

/// How `secret-get` picks a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Read {
    Tracked,
    Peek,
    Refresh,
}

impl Session<'_> {
    fn is_own(&self, meta: &SecretMeta) -> bool {
        match meta.owner_kind {
            OwnerKind::Unit => meta.owner == self.unit_name(),
            OwnerKind::Application => meta.owner == self.app_name(),
            OwnerKind::Model => false,
        }
    }

    /// A secret as this hook sees it: committed, with the pending changes applied.
    fn secret_view(&mut self, id: &str) -> Result<Option<SecretMeta>, ToolError> {
        let mut view = self.data.secret(id)?;
        for op in &self.hook.secret_ops {
            match op {
                SecretOp::Create {
                    id: i,
                    owner_kind,
                    owner,
                    meta,
                    ..
                } if i == id => {
                    let mut m = SecretMeta {
                        id: id.into(),
                        owner_kind: *owner_kind,
                        owner: owner.clone(),
                        label: String::new(),
                        description: String::new(),
                        rotate_policy: String::new(),
                        next_rotate: None,
                        latest: 1,
                        latest_expire: None,
                    };
                    apply_meta(&mut m, meta);
                    view = Some(m);
                }
                SecretOp::Update {
                    id: i,
                    meta,
                    content,
                } if i == id => {
                    if let Some(m) = view.as_mut() {
                        apply_meta(m, meta);
                        if content.is_some() {
                            // Known exactly only at commit (same content: no revision).
                            m.latest = m.latest.max(1);
                        }
                    }
                }
                SecretOp::Remove { id: i, revision } if i == id && revision.is_none() => {
                    view = None
                }
                _ => {}
            }
        }
        Ok(view)
    }

    /// A secret owned by this unit or its application (pending included).
    pub(crate) fn owned_secret(&mut self, id: &str) -> Result<SecretMeta, ToolError> {
        match self.secret_view(id)? {
            Some(m) if self.is_own(&m) => Ok(m),
            _ => Err(not_found(id)),
        }
    }

    /// Every secret this unit or its application owns, pending included, by id.
    pub(crate) fn owned_secrets(&mut self) -> Result<Vec<SecretMeta>, ToolError> {
        let mut ids: Vec<String> = self
            .data
            .owned_secrets()?
            .into_iter()
            .map(|m| m.id)
            .collect();
        for op in &self.hook.secret_ops {
            if let SecretOp::Create { id, .. } = op {
                ids.push(id.clone());
            }
        }
        ids.sort();
        ids.dedup();
        let mut out = Vec::new();
        for id in ids {
            if let Some(m) = self.secret_view(&id)? {
                if self.is_own(&m) {
                    out.push(m);
                }
            }
        }
        Ok(out)
    }

    /// The leadership gate for changing a secret owned by the application.
    fn ensure_may_manage(&mut self, meta: &SecretMeta) -> Result<(), ToolError> {
        if meta.owner_kind == OwnerKind::Application {
            self.ensure_leader()?;
        }
        Ok(())
    }

    /// Find a secret by label: an owner label of an owned secret, else this
    /// unit's consumer label (`consumer label "x" not found`).
    pub(crate) fn secret_by_label(&mut self, label: &str) -> Result<String, ToolError> {
        if let Some(m) = self.owned_secrets()?.into_iter().find(|m| m.label == label) {
            return Ok(m.id);
        }
        for op in self.hook.secret_ops.iter().rev() {
            if let SecretOp::Track {
                id, label: Some(l), ..
            } = op
            {
                if l == label {
                    return Ok(id.clone());
                }
            }
        }
        self.data
            .consumed_secrets()?
            .into_iter()
            .find(|(_, l, _)| l == label)
            .map(|(id, _, _)| id)
            .ok_or_else(|| {
                ToolError::runtime(format!(
                    "consumer label {} not found",
                    juju_types::output::go_quote(label)
                ))
            })
    }

    /// `secret-add`: buffer a new secret; returns its id.
    pub(crate) fn secret_add(
        &mut self,
        owner_kind: OwnerKind,
        meta: SecretMetaChange,
        content: Content,
    ) -> Result<String, ToolError> {
        if owner_kind == OwnerKind::Application {
            self.ensure_leader()?;
        }
        if content.is_empty() {
            return Err(ToolError::runtime("empty secret value not valid"));
        }
        if let Some(label) = meta.label.as_deref() {
            self.check_label_free(label, None)?;
        }
        let id = self.data.new_secret_id()?;
        let owner = match owner_kind {
            OwnerKind::Unit => self.unit_name().to_string(),
            _ => self.app_name(),
        };
        self.hook.secret_ops.push(SecretOp::Create {
            id: id.clone(),
            owner_kind,
            owner,
            meta,
            content,
        });
        Ok(id)
    }

    /// Owner labels are unique among the owner's secrets.
    fn check_label_free(&mut self, label: &str, except: Option<&str>) -> Result<(), ToolError> {
        let taken = self
            .owned_secrets()?
            .into_iter()
            .any(|m| m.label == label && Some(m.id.as_str()) != except);
        if taken {
            return Err(ToolError::runtime(format!(
                "secret with label {} already exists",
                juju_types::output::go_quote(label)
            )));
        }
        Ok(())
    }

    /// `secret-set`: buffer metadata changes and new content.
    pub(crate) fn secret_set(
        &mut self,
        id: &str,
        meta: SecretMetaChange,
        content: Option<Content>,
    ) -> Result<(), ToolError> {
        let m = self.owned_secret(id)?;
        self.ensure_may_manage(&m)?;
        if let Some(label) = meta.label.as_deref() {
            self.check_label_free(label, Some(id))?;
        }
        if meta == SecretMetaChange::default() && content.is_none() {
            return Ok(());
        }
        self.hook.secret_ops.push(SecretOp::Update {
            id: id.into(),
            meta,
            content,
        });
        Ok(())
    }

    /// The content an owner sees: the pending content of this hook, else
    /// the latest committed revision.
    fn owner_content(&mut self, meta: &SecretMeta) -> Result<Content, ToolError> {
        for op in self.hook.secret_ops.iter().rev() {
            match op {
                SecretOp::Create { id, content, .. } if *id == meta.id => {
                    return Ok(content.clone())
                }
                SecretOp::Update {
                    id,
                    content: Some(c),
                    ..
                } if *id == meta.id => return Ok(c.clone()),
                _ => {}
            }
        }
        self.data
            .secret_content(&meta.id, meta.latest)?
            .ok_or_else(|| not_found(&meta.id))
    }

    /// `secret-get`: the content this unit may read, by id or label, and
    /// the tracking it implies (see the module).
    pub(crate) fn secret_get(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        read: Read,
    ) -> Result<Content, ToolError> {
        // With an id, a label is attached to the secret; alone, it finds it.
        let (id, label) = match id {
            Some(id) => (id.to_string(), label),
            None => (self.secret_by_label(label.unwrap_or_default())?, None),
        };
        let meta = self.secret_view(&id)?.ok_or_else(|| not_found(&id))?;
        if self.is_own(&meta) {
            if let (Some(l), true) = (label, meta.label != label.unwrap_or_default()) {
                self.ensure_may_manage(&meta)?;
                self.check_label_free(l, Some(&id))?;
                self.hook.secret_ops.push(SecretOp::Update {
                    id: id.clone(),
                    meta: SecretMetaChange {
                        label: Some(l.into()),
                        ..Default::default()
                    },
                    content: None,
                });
            }
            return self.owner_content(&meta);
        }
        let grants = self.data.secret_grants(&id)?;
        let app = self.app_name();
        if !grants
            .iter()
            .any(|g| g.target == app || g.target == self.unit_name())
        {
            return Err(permission_denied());
        }
        let tracked = self
            .hook
            .secret_ops
            .iter()
            .rev()
            .find_map(|op| match op {
                SecretOp::Track {
                    id: i,
                    revision: Some(r),
                    ..
                } if *i == id => Some(*r),
                _ => None,
            })
            .or(self
                .data
                .consumed_secrets()?
                .into_iter()
                .find(|(i, _, _)| *i == id)
                .map(|(_, _, r)| r));
        let (revision, track) = match (read, tracked) {
            (Read::Peek, _) => (meta.latest, None),
            (Read::Refresh, _) | (Read::Tracked, None) => (meta.latest, Some(meta.latest)),
            (Read::Tracked, Some(r)) => (r, None),
        };
        if track.is_some() || label.is_some() {
            self.hook.secret_ops.push(SecretOp::Track {
                id: id.clone(),
                unit: self.unit_name().to_string(),
                revision: track,
                label: label.map(String::from),
            });
        }
        self.data
            .secret_content(&id, revision)?
            .ok_or_else(|| not_found(&id))
    }

    /// `secret-grant` / `secret-revoke`: buffer a grant change.
    pub(crate) fn secret_grant(
        &mut self,
        id: &str,
        target: &str,
        relation_id: Option<i64>,
        grant: bool,
    ) -> Result<(), ToolError> {
        let m = self.owned_secret(id)?;
        self.ensure_may_manage(&m)?;
        self.hook.secret_ops.push(if grant {
            SecretOp::Grant {
                id: id.into(),
                target: target.into(),
                relation_id,
            }
        } else {
            SecretOp::Revoke {
                id: id.into(),
                target: target.into(),
            }
        });
        Ok(())
    }

    /// `secret-remove`: buffer removing one revision or the whole secret.
    pub(crate) fn secret_remove(
        &mut self,
        id: &str,
        revision: Option<i64>,
    ) -> Result<(), ToolError> {
        let m = self.owned_secret(id)?;
        self.ensure_may_manage(&m)?;
        self.hook.secret_ops.push(SecretOp::Remove {
            id: id.into(),
            revision,
        });
        Ok(())
    }
}

fn apply_meta(m: &mut SecretMeta, c: &SecretMetaChange) {
    if let Some(l) = &c.label {
        m.label = l.clone();
    }
    if let Some(d) = &c.description {
        m.description = d.clone();
    }
    if let Some(r) = &c.rotate {
        m.rotate_policy = r.clone();
    }
    if let Some(e) = c.expire {
        m.latest_expire = Some(e);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use juju_types::secrets::{base64_encode, Content, OwnerKind, SecretMeta, SecretOp};

    use crate::fake::{check_table, fail, ok, run, FakeContext, FakeSecret};

    const ID: &str = "9m4e2mr0ui3e8a215n4g";

    fn content(v: &str) -> Content {
        BTreeMap::from([("password".to_string(), base64_encode(v.as_bytes()))])
    }

    /// A secret owned by application `db`, revisions 1 and 2, granted to `wp`.
    fn consumer() -> FakeContext {
        let mut ctx = FakeContext::default();
        ctx.secrets.insert(
            ID.into(),
            FakeSecret {
                meta: SecretMeta {
                    id: ID.into(),
                    owner_kind: OwnerKind::Application,
                    owner: "db".into(),
                    label: "db-label".into(),
                    description: String::new(),
                    rotate_policy: String::new(),
                    next_rotate: None,
                    latest: 2,
                    latest_expire: None,
                },
                revisions: BTreeMap::from([(1, content("one")), (2, content("two"))]),
                grants: vec![("wp".into(), "relation-wp.db#db.server".into())],
            },
        );
        ctx
    }

    #[test]
    fn owner_sees_pending_creates_and_updates() {
        let mut ctx = FakeContext::default();
        let uri = "secret://model-uuid/00000000000000000000\n";
        assert_eq!(
            run(
                &mut ctx,
                &[
                    "secret-add",
                    "--label",
                    "creds",
                    "--rotate",
                    "daily",
                    "password=s3cret"
                ]
            ),
            ok(uri)
        );
        let id = "00000000000000000000";
        assert_eq!(
            run(&mut ctx, &["secret-get", "--format=json", id]),
            ok("{\"password\":\"s3cret\"}\n")
        );
        assert_eq!(
            run(&mut ctx, &["secret-get", "--label", "creds"]),
            ok("password: s3cret\n")
        );
        assert_eq!(
            run(&mut ctx, &["secret-get", id, "password#base64"]),
            ok("czNjcmV0\n")
        );
        assert_eq!(
            run(&mut ctx, &["secret-get", id, "nope"]),
            fail(1, "secret key value \"nope\" not found")
        );
        assert_eq!(
            run(
                &mut ctx,
                &["secret-set", &format!("secret:{id}"), "password=new1"]
            ),
            ok("")
        );
        assert_eq!(run(&mut ctx, &["secret-get", id, "password"]), ok("new1\n"));
        assert_eq!(
            run(&mut ctx, &["secret-info-get", "--format=json", id]),
            ok(&format!(
                "{{\"{id}\":{{\"revision\":1,\"label\":\"creds\",\"owner\":\"application\",\"rotation\":\"daily\"}}}}\n"
            ))
        );
        assert_eq!(
            run(&mut ctx, &["secret-ids", "--format=json"]),
            ok(&format!("[\"{id}\"]\n"))
        );
        assert_eq!(
            run(&mut ctx, &["secret-add", "--label", "creds", "abc=1"]),
            fail(1, "secret with label \"creds\" already exists")
        );
        assert_eq!(run(&mut ctx, &["secret-remove", id]), ok(""));
        assert_eq!(
            run(&mut ctx, &["secret-ids", "--format=json"]),
            ok("null\n")
        );
        assert_eq!(
            run(&mut ctx, &["secret-get", id]),
            fail(1, &format!("secret \"{id}\" not found"))
        );
        let ops = ctx.hook.pending_secret_ops();
        assert!(matches!(ops[0], SecretOp::Create { .. }));
        assert!(matches!(ops[1], SecretOp::Update { .. }));
        assert!(matches!(ops[2], SecretOp::Remove { revision: None, .. }));
    }

    #[test]
    fn application_secrets_need_the_leader() {
        let ctx = FakeContext {
            leader: Ok(false),
            ..FakeContext::default()
        };
        check_table(
            &ctx,
            &[
                (
                    &["secret-add", "abc=1"],
                    fail(1, "this unit is not the leader"),
                ),
                (
                    &["secret-add", "--owner", "unit", "abc=1"],
                    ok("secret://model-uuid/00000000000000000000\n"),
                ),
            ],
        );
        let mut ctx = consumer();
        ctx.unit = "db/1".into();
        ctx.leader = Ok(false);
        // Units of the owner read; only the leader changes.
        assert_eq!(run(&mut ctx, &["secret-get", ID, "password"]), ok("two\n"));
        for argv in [
            &["secret-set", ID, "password=x"][..],
            &["secret-remove", ID],
            &["secret-revoke", ID, "--app", "wp"],
        ] {
            assert_eq!(
                run(&mut ctx, argv),
                fail(1, "this unit is not the leader"),
                "{argv:?}"
            );
        }
        assert!(ctx.hook.pending_secret_ops().is_empty());
    }

    #[test]
    fn consumers_track_revisions() {
        // First read: the latest, and tracking starts.
        let mut ctx = consumer();
        assert_eq!(run(&mut ctx, &["secret-get", ID, "password"]), ok("two\n"));
        assert_eq!(
            ctx.hook.pending_secret_ops(),
            [SecretOp::Track {
                id: ID.into(),
                unit: "wp/0".into(),
                revision: Some(2),
                label: None
            }]
        );
        // A tracked revision is read until --refresh; --peek tracks nothing.
        let mut ctx = consumer();
        ctx.consumed = vec![(ID.into(), "mine".into(), 1)];
        assert_eq!(run(&mut ctx, &["secret-get", ID, "password"]), ok("one\n"));
        assert_eq!(
            run(&mut ctx, &["secret-get", "--label", "mine"]),
            ok("password: one\n")
        );
        assert_eq!(
            run(&mut ctx, &["secret-get", ID, "--peek", "password"]),
            ok("two\n")
        );
        assert!(ctx.hook.pending_secret_ops().is_empty());
        assert_eq!(
            run(&mut ctx, &["secret-get", ID, "--refresh", "password"]),
            ok("two\n")
        );
        assert_eq!(
            run(&mut ctx, &["secret-get", ID, "password"]),
            ok("two\n"),
            "read your refresh"
        );
        // The owner's label is not the consumer's; info is the owner's only.
        assert_eq!(
            run(&mut ctx, &["secret-get", "--label", "db-label"]),
            fail(1, "consumer label \"db-label\" not found")
        );
        assert_eq!(
            run(&mut ctx, &["secret-info-get", ID]),
            fail(1, &format!("secret \"{ID}\" not found"))
        );
        assert_eq!(
            run(&mut ctx, &["secret-info-get", "--label", "mine"]),
            fail(1, "secret \"mine\" not found"),
            "a consumer label names no owned secret"
        );
    }

    /// Juju's answers for a secret this unit may not read (the secrets
    /// facade checks the secret exists, then the unit's or its
    /// application's grant) and for one that does not exist.
    #[test]
    fn not_found_and_permission_denied() {
        let other = "0000000000000000000u";
        // Never granted, or granted and revoked: the secret exists.
        let mut ctx = consumer();
        ctx.secrets.get_mut(ID).unwrap().grants.clear();
        check_table(
            &ctx,
            &[
                (&["secret-get", ID], fail(1, "permission denied")),
                (&["secret-get", ID, "--peek"], fail(1, "permission denied")),
                (
                    &["secret-get", ID, "--refresh"],
                    fail(1, "permission denied"),
                ),
                (
                    &["secret-get", ID, "--label", "x"],
                    fail(1, "permission denied"),
                ),
                (
                    &["secret-get", other],
                    fail(1, &format!("secret \"{other}\" not found")),
                ),
                (
                    &["secret-get", "--label", "x"],
                    fail(1, "consumer label \"x\" not found"),
                ),
                (
                    &["secret-info-get", ID],
                    fail(1, &format!("secret \"{ID}\" not found")),
                ),
                (
                    &["secret-info-get", "--label", "db-label"],
                    fail(1, "secret \"db-label\" not found"),
                ),
            ],
        );
        // Revoked after reading: the label still finds it, the read is refused.
        ctx.consumed = vec![(ID.into(), "mine".into(), 1)];
        check_table(
            &ctx,
            &[
                (
                    &["secret-get", "--label", "mine"],
                    fail(1, "permission denied"),
                ),
                (&["secret-get", ID], fail(1, "permission denied")),
            ],
        );
        // A grant to the unit alone is enough.
        ctx.secrets.get_mut(ID).unwrap().grants =
            vec![("wp/0".into(), "relation-wp.db#db.server".into())];
        check_table(
            &ctx,
            &[(&["secret-get", "--label", "mine"], ok("password: one\n"))],
        );
    }

    /// secret-info-get prints Juju's `metadataDisplay` struct: its fields in
    /// declaration order in YAML as in JSON, with the grants (`access`,
    /// view grants with the relation's scope tag).
    #[test]
    fn info_shows_fields_in_order_and_access() {
        let mut ctx = consumer();
        let sec = ctx.secrets.get_mut(ID).unwrap();
        sec.meta.owner = "wp".into();
        sec.meta.description = "creds".into();
        sec.meta.rotate_policy = "daily".into();
        sec.meta.latest_expire = Some(1_767_225_600.0);
        sec.meta.next_rotate = Some(1_767_139_200.0);
        sec.grants = vec![
            ("mysql".into(), "relation-wp.db#mysql.server".into()),
            ("mysql/1".into(), "relation-wp.db#mysql.server".into()),
        ];
        check_table(
            &ctx,
            &[
                (
                    &["secret-info-get", ID],
                    ok(&format!(
                        "{ID}:\n  revision: 2\n  label: db-label\n  owner: application\n  description: creds\n  rotation: daily\n  expiry: 2026-01-01T00:00:00Z\n  rotates: 2025-12-31T00:00:00Z\n  access:\n  - target: application-mysql\n    scope: relation-wp.db#mysql.server\n    role: view\n  - target: unit-mysql-1\n    scope: relation-wp.db#mysql.server\n    role: view\n"
                    )),
                ),
                (
                    &["secret-info-get", "--format=json", "--label", "db-label"],
                    ok(&format!(
                        "{{\"{ID}\":{{\"revision\":2,\"label\":\"db-label\",\"owner\":\"application\",\"description\":\"creds\",\"rotation\":\"daily\",\"expiry\":\"2026-01-01T00:00:00Z\",\"rotates\":\"2025-12-31T00:00:00Z\",\"access\":[{{\"target\":\"application-mysql\",\"scope\":\"relation-wp.db#mysql.server\",\"role\":\"view\"}},{{\"target\":\"unit-mysql-1\",\"scope\":\"relation-wp.db#mysql.server\",\"role\":\"view\"}}]}}}}\n"
                    )),
                ),
            ],
        );
        // No grants, no optional fields: revision, label, owner only.
        let sec = ctx.secrets.get_mut(ID).unwrap();
        sec.grants.clear();
        sec.meta.description.clear();
        sec.meta.rotate_policy.clear();
        sec.meta.latest_expire = None;
        sec.meta.next_rotate = None;
        check_table(
            &ctx,
            &[(
                &["secret-info-get", ID],
                ok(&format!(
                    "{ID}:\n  revision: 2\n  label: db-label\n  owner: application\n"
                )),
            )],
        );
    }

    #[test]
    fn usage_errors() {
        let ctx = consumer();
        check_table(
            &ctx,
            &[
                (
                    &["secret-get"],
                    fail(2, "require either a secret URI or label"),
                ),
                (&["secret-get", "x"], fail(2, "secret URI \"x\" not valid")),
                (
                    &["secret-get", ID, "--peek", "--refresh"],
                    fail(2, "specify one of --peek or --refresh but not both"),
                ),
                (
                    &["secret-get", ID, "--format", "smart"],
                    fail(
                        2,
                        "invalid value \"smart\" for option --format: unknown format \"smart\"",
                    ),
                ),
                (
                    &["secret-info-get"],
                    fail(2, "require either a secret URI or label"),
                ),
                (
                    &["secret-info-get", ID, "--label", "x"],
                    fail(2, "specify either a secret URI or label but not both"),
                ),
                (&["secret-set"], fail(2, "missing secret URI")),
                (
                    &["secret-set", "secret:bad"],
                    fail(2, "secret URI \"secret:bad\" not valid"),
                ),
                (&["secret-grant"], fail(2, "missing secret URI")),
                (&["secret-grant", ID], fail(2, "no relation id specified")),
                (
                    &["secret-grant", ID, "-r", "3", "--unit", "x"],
                    fail(2, "unit \"x\" not valid"),
                ),
                (
                    &["secret-grant", ID, "-r", "3", "--unit", "other/0"],
                    fail(
                        2,
                        "cannot specify unit \"other/0\" in relation to application \"mysql\"",
                    ),
                ),
                (&["secret-revoke"], fail(2, "missing secret URI")),
                (
                    &["secret-revoke", ID, "--app", "Bad"],
                    fail(2, "application \"Bad\" not valid"),
                ),
                (
                    &["secret-revoke", ID, "--app", "a", "--unit", "a/0"],
                    fail(2, "specify only one of application or unit"),
                ),
                (
                    &["secret-revoke", ID, "-r", "3", "--app", "a"],
                    fail(2, "do not specify both relation and app"),
                ),
                (
                    &["secret-revoke", ID],
                    fail(2, "missing relation or application or unit"),
                ),
                (&["secret-remove"], fail(2, "missing secret URI")),
                (
                    &["secret-remove", ID, "x"],
                    fail(2, "unrecognized args: [\"x\"]"),
                ),
            ],
        );
    }

    #[test]
    fn grants_are_scoped_to_the_relation() {
        let mut ctx = FakeContext::default();
        run(&mut ctx, &["secret-add", "abc=1"]);
        let id = "00000000000000000000";
        assert_eq!(run(&mut ctx, &["secret-grant", id, "-r", "3"]), ok(""));
        assert_eq!(
            run(
                &mut ctx,
                &["secret-grant", id, "-r", "3", "--unit", "mysql/0"]
            ),
            ok("")
        );
        assert_eq!(
            run(&mut ctx, &["secret-revoke", id, "--app", "mysql"]),
            ok("")
        );
        assert_eq!(
            &ctx.hook.pending_secret_ops()[1..],
            [
                SecretOp::Grant {
                    id: id.into(),
                    target: "mysql".into(),
                    relation_id: Some(3)
                },
                SecretOp::Grant {
                    id: id.into(),
                    target: "mysql/0".into(),
                    relation_id: Some(3)
                },
                SecretOp::Revoke {
                    id: id.into(),
                    target: "mysql".into()
                },
            ]
        );
        assert_eq!(
            run(&mut ctx, &["secret-grant", ID, "-r", "3"]),
            fail(1, &format!("secret \"{ID}\" not found"))
        );
    }
}
