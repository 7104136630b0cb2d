//! `secret-add`, `secret-set`, `secret-get`, `secret-info-get`,
//! `secret-ids`, `secret-grant`, `secret-revoke`, `secret-remove`.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::run::Invocation;
use crate::types::RawSecretInfo;
use crate::{Error, SecretInfo, SecretOwner, SecretRotate};

/// A private temporary directory, removed with everything in it when
/// dropped. Secret values are written here and passed to the tool as
/// `key#file=<path>`, so they never appear on a command line.
struct ContentDir {
    path: PathBuf,
}

impl ContentDir {
    fn create() -> io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let mut attempt = 0;
        loop {
            let name = format!(
                "hookcmds-secret-{}-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed),
                nanos
            );
            let path = std::env::temp_dir().join(name);
            let mut builder = fs::DirBuilder::new();
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            match builder.create(&path) {
                Ok(()) => return Ok(ContentDir { path }),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Writes one value and returns the tool argument for it.
    fn add(&self, key: &str, value: &str) -> io::Result<String> {
        let path = self.path.join(key);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        io::Write::write_all(&mut options.open(&path)?, value.as_bytes())?;
        Ok(format!("{key}#file={}", path.display()))
    }
}

impl Drop for ContentDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// Checks a content key can safely name a file in the content directory.
/// (Juju itself only accepts keys like `^[a-z](-?[a-z0-9]){2,}$`.)
fn check_key(key: &str) -> Result<(), Error> {
    if key.is_empty() || key == "." || key == ".." || key.contains(['/', '\0']) {
        return Err(Error::InvalidInput(format!(
            "secret content key {key:?} not valid"
        )));
    }
    Ok(())
}

/// Writes the content to files and runs the tool with `key#file=path`
/// arguments appended.
fn run_with_content(
    inv: Invocation,
    content: &[(String, String)],
    cmd_for_errors: impl Fn() -> Vec<String>,
) -> Result<String, Error> {
    for (key, _) in content {
        check_key(key)?;
    }
    let io_err = |source| Error::Io {
        cmd: cmd_for_errors(),
        source,
    };
    let dir = ContentDir::create().map_err(io_err)?;
    let mut args = Vec::with_capacity(content.len());
    for (key, value) in content {
        args.push(dir.add(key, value).map_err(io_err)?);
    }
    let out = inv.args(args).run()?;
    drop(dir);
    Ok(out.stdout)
}

fn collect_pairs<I, K, V>(pairs: I) -> Vec<(String, String)>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    pairs
        .into_iter()
        .map(|(k, v)| (k.as_ref().to_string(), v.as_ref().to_string()))
        .collect()
}

/// The metadata flags shared by `secret-add` and `secret-set`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Metadata {
    label: Option<String>,
    description: Option<String>,
    expire: Option<String>,
    rotate: Option<SecretRotate>,
}

impl Metadata {
    fn args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let mut flag = |name: &str, value: &Option<String>| {
            if let Some(value) = value {
                args.push(name.to_string());
                args.push(value.clone());
            }
        };
        flag("--label", &self.label);
        flag("--description", &self.description);
        flag("--expire", &self.expire);
        flag("--rotate", &self.rotate.map(|r| r.as_str().to_string()));
        args
    }
}

/// Generates the metadata setters shared by [`SecretAdd`] and
/// [`SecretSet`].
macro_rules! metadata_setters {
    () => {
        /// A label identifying the secret in this application's hooks
        /// (`--label`).
        pub fn label(mut self, label: impl Into<String>) -> Self {
            self.meta.label = Some(label.into());
            self
        }

        /// A description (`--description`).
        pub fn description(mut self, description: impl Into<String>) -> Self {
            self.meta.description = Some(description.into());
            self
        }

        /// When the secret expires (`--expire`), as Juju reads it: an RFC
        /// 3339 time (`2026-06-01T00:00:00Z`) or a Go duration from now
        /// (`24h`, `90m`). Passed through unchanged.
        pub fn expire(mut self, expire: impl Into<String>) -> Self {
            self.meta.expire = Some(expire.into());
            self
        }

        /// Expire at this time, sent in UTC RFC 3339 form as ops does
        /// (`2025-12-31T23:59:59Z`, microseconds when not zero).
        pub fn expire_at(mut self, time: SystemTime) -> Self {
            self.meta.expire = Some(crate::time::format_rfc3339(time));
            self
        }

        /// Expire this long from now, sent as a Go duration (`3600s`).
        pub fn expire_in(mut self, duration: Duration) -> Self {
            self.meta.expire = Some(crate::time::format_go_duration(duration));
            self
        }

        /// The rotation policy (`--rotate`).
        pub fn rotate(mut self, rotate: SecretRotate) -> Self {
            self.meta.rotate = Some(rotate);
            self
        }
    };
}

/// Options for [`secret_add`].
///
/// ```
/// use hookcmds::{SecretAdd, SecretOwner, SecretRotate};
/// let opts = SecretAdd::new()
///     .label("db-password")
///     .rotate(SecretRotate::Monthly)
///     .owner(SecretOwner::Unit);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretAdd {
    meta: Metadata,
    owner: SecretOwner,
}

impl SecretAdd {
    /// An application-owned secret without metadata.
    pub fn new() -> Self {
        Self::default()
    }

    metadata_setters!();

    /// Who owns the secret (`--owner`; default: the application, which
    /// requires leadership).
    pub fn owner(mut self, owner: SecretOwner) -> Self {
        self.owner = owner;
        self
    }
}

/// Creates a secret and returns its URI (`secret-add`), such as
/// `secret://<model-uuid>/<id>` (older Juju: `secret:<id>`).
///
/// `content` is any sequence of string pairs. Juju requires keys of at least
/// three lower-case letters, digits and single hyphens, and at least one
/// pair. Each value is written to a private temporary file that is deleted
/// after the call, and passed as `<key>#file=<path>`, so values never
/// appear on a command line.
///
/// Runs `secret-add [--label <l>] [--description <d>] [--expire <e>]
/// [--rotate <r>] --owner application|unit <key>#file=<path> ...`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_add, SecretAdd};
/// let uri = secret_add([("password", "s3cret")], &SecretAdd::new().label("db-password"))?;
/// # Ok(()) }
/// ```
pub fn secret_add<I, K, V>(content: I, options: &SecretAdd) -> Result<String, Error>
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<str>,
{
    let content = collect_pairs(content);
    let mut args = options.meta.args();
    args.push("--owner".into());
    args.push(options.owner.as_str().into());
    let inv = Invocation::new("secret-add").args(args.clone());
    let stdout = run_with_content(inv, &content, || {
        std::iter::once("secret-add".to_string())
            .chain(args.iter().cloned())
            .collect()
    })?;
    let uri = stdout.trim();
    if uri.is_empty() {
        return Err(Error::Parse {
            cmd: std::iter::once("secret-add".to_string())
                .chain(args)
                .collect(),
            stdout,
            message: "secret-add printed no secret URI".into(),
        });
    }
    Ok(uri.to_string())
}

/// Options for [`secret_set`].
///
/// ```
/// let opts = hookcmds::SecretSet::new()
///     .content([("password", "n3w")])
///     .description("rotated by the charm");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretSet {
    content: Vec<(String, String)>,
    meta: Metadata,
    owner: Option<SecretOwner>,
}

impl SecretSet {
    /// Change nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// New content, creating a new revision (unless identical to the
    /// current one). Passed through temporary files as for [`secret_add`].
    pub fn content<I, K, V>(mut self, content: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.content = collect_pairs(content);
        self
    }

    metadata_setters!();

    /// Also send `--owner` (before the id). Juju ignores the owner when
    /// updating a secret and current ops no longer sends it; it is only
    /// here for parity with older ops, which always sent `--owner
    /// application`.
    pub fn owner(mut self, owner: SecretOwner) -> Self {
        self.owner = Some(owner);
        self
    }
}

/// Updates a secret's content and/or metadata (`secret-set`). Applied when
/// the hook succeeds; application-owned secrets need leadership.
///
/// Runs `secret-set [--label <l>] [--description <d>] [--expire <e>]
/// [--rotate <r>] [--owner <o>] <id> [<key>#file=<path> ...]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_set, SecretSet};
/// secret_set("secret:cs2kqsu7tcvc50bpf0g0", &SecretSet::new().content([("password", "n3w")]))?;
/// # Ok(()) }
/// ```
pub fn secret_set(id: &str, options: &SecretSet) -> Result<(), Error> {
    let mut args = options.meta.args();
    if let Some(owner) = options.owner {
        args.push("--owner".into());
        args.push(owner.as_str().into());
    }
    args.push(id.to_string());
    let inv = Invocation::new("secret-set").args(args.clone());
    run_with_content(inv, &options.content, || {
        std::iter::once("secret-set".to_string())
            .chain(args.iter().cloned())
            .collect()
    })
    .map(|_| ())
}

/// Options for [`secret_get`]: an id, a label, or both.
///
/// ```
/// let by_label = hookcmds::SecretGet::new().label("db-password").refresh(true);
/// let by_id = hookcmds::SecretGet::new().id("secret:cs2kqsu7tcvc50bpf0g0").peek(true);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretGet {
    id: Option<String>,
    label: Option<String>,
    refresh: bool,
    peek: bool,
}

impl SecretGet {
    /// Nothing selected yet: set an [`id`](Self::id) or a
    /// [`label`](Self::label).
    pub fn new() -> Self {
        Self::default()
    }

    /// The secret's id or URI.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Find the secret by label; together with an id, attach this label
    /// to the secret instead (`--label`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Read the latest revision and keep tracking it (`--refresh`).
    pub fn refresh(mut self, refresh: bool) -> Self {
        self.refresh = refresh;
        self
    }

    /// Read the latest revision this time only (`--peek`).
    pub fn peek(mut self, peek: bool) -> Self {
        self.peek = peek;
        self
    }
}

/// Reads a secret's content (`secret-get`): by default the revision this
/// unit tracks.
///
/// Runs `secret-get --format=json [<id>] [--label <l>] [--refresh]
/// [--peek]`. Neither id nor label, or both `refresh` and `peek`, give
/// [`Error::InvalidInput`] without running anything.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_get, SecretGet};
/// let content = secret_get(&SecretGet::new().label("db-password"))?;
/// let password = &content["password"];
/// # Ok(()) }
/// ```
pub fn secret_get(options: &SecretGet) -> Result<BTreeMap<String, String>, Error> {
    if options.id.is_none() && options.label.is_none() {
        return Err(Error::InvalidInput(
            "secret_get needs a secret id or a label".into(),
        ));
    }
    if options.refresh && options.peek {
        return Err(Error::InvalidInput(
            "secret_get: use refresh or peek, not both".into(),
        ));
    }
    let mut inv = Invocation::new("secret-get").arg("--format=json");
    if let Some(id) = &options.id {
        inv = inv.arg(id);
    }
    if let Some(label) = &options.label {
        inv = inv.arg("--label").arg(label);
    }
    if options.refresh {
        inv = inv.arg("--refresh");
    }
    if options.peek {
        inv = inv.arg("--peek");
    }
    inv.run()?.json()
}

/// Options for [`secret_grant`].
///
/// ```
/// let opts = hookcmds::SecretGrant::new().unit("wordpress/1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretGrant {
    unit: Option<String>,
}

impl SecretGrant {
    /// Grant to the whole remote application.
    pub fn new() -> Self {
        Self::default()
    }

    /// Grant to this remote unit only (`--unit`).
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }
}

/// Lets the application (or one unit) on the other side of a relation read
/// a secret (`secret-grant`). Applied when the hook succeeds.
///
/// Runs `secret-grant --relation <relation-id> [--unit <unit>] <id>`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_grant, SecretGrant};
/// secret_grant("secret:cs2kqsu7tcvc50bpf0g0", 3, &SecretGrant::new())?;
/// # Ok(()) }
/// ```
pub fn secret_grant(id: &str, relation_id: u64, options: &SecretGrant) -> Result<(), Error> {
    let mut inv = Invocation::new("secret-grant")
        .arg("--relation")
        .arg(relation_id.to_string());
    if let Some(unit) = &options.unit {
        inv = inv.arg("--unit").arg(unit);
    }
    inv.arg(id).run_unit()
}

/// Lists the ids of the secrets this unit or application owns
/// (`secret-ids`), including ones created earlier in this hook. Juju prints
/// `null` when there are none; that is an empty list here.
///
/// Runs `secret-ids --format=json`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// for id in hookcmds::secret_ids()? {
///     println!("{id}");
/// }
/// # Ok(()) }
/// ```
pub fn secret_ids() -> Result<Vec<String>, Error> {
    let out = Invocation::new("secret-ids").arg("--format=json").run()?;
    let ids: Option<Vec<String>> = out.json()?;
    Ok(ids.unwrap_or_default())
}

/// Options for [`secret_info_get`]: exactly one of an id and a label.
///
/// ```
/// let opts = hookcmds::SecretInfoGet::new().label("db-password");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretInfoGet {
    id: Option<String>,
    label: Option<String>,
}

impl SecretInfoGet {
    /// Nothing selected yet: set an [`id`](Self::id) or a
    /// [`label`](Self::label).
    pub fn new() -> Self {
        Self::default()
    }

    /// Select the secret by id or URI.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Select the secret by its owner label (`--label`).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// Reads the metadata of a secret this unit or application owns
/// (`secret-info-get`).
///
/// Runs `secret-info-get --format=json <id>` or `secret-info-get
/// --format=json --label <label>`; giving both or neither is an
/// [`Error::InvalidInput`]. Juju prints a one-entry map keyed by the
/// secret's id; the key becomes [`SecretInfo::id`].
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_info_get, SecretInfoGet};
/// let info = secret_info_get(&SecretInfoGet::new().label("db-password"))?;
/// println!("revision {}", info.revision);
/// # Ok(()) }
/// ```
pub fn secret_info_get(options: &SecretInfoGet) -> Result<SecretInfo, Error> {
    let mut inv = Invocation::new("secret-info-get").arg("--format=json");
    match (&options.id, &options.label) {
        (Some(id), None) => inv = inv.arg(id),
        (None, Some(label)) => inv = inv.arg("--label").arg(label),
        _ => {
            return Err(Error::InvalidInput(
                "secret_info_get needs exactly one of a secret id and a label".into(),
            ))
        }
    }
    let out = inv.run()?;
    let entries: BTreeMap<String, serde_json::Value> = out.json()?;
    // Juju prints exactly one entry; take the first like ops does.
    let Some((id, value)) = entries.into_iter().next() else {
        return Err(out.parse_error("secret-info-get printed no secret"));
    };
    let raw: RawSecretInfo = out.convert(value)?;
    Ok(raw.into_info(id))
}

/// Options for [`secret_remove`].
///
/// ```
/// let opts = hookcmds::SecretRemove::new().revision(2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretRemove {
    revision: Option<u64>,
}

impl SecretRemove {
    /// Remove every revision (the whole secret).
    pub fn new() -> Self {
        Self::default()
    }

    /// Remove only this revision (`--revision`).
    pub fn revision(mut self, revision: u64) -> Self {
        self.revision = Some(revision);
        self
    }
}

/// Removes a secret or one of its revisions (`secret-remove`). Applied
/// when the hook succeeds.
///
/// Runs `secret-remove <id> [--revision <n>]`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_remove, SecretRemove};
/// secret_remove("secret:cs2kqsu7tcvc50bpf0g0", &SecretRemove::new().revision(1))?;
/// # Ok(()) }
/// ```
pub fn secret_remove(id: &str, options: &SecretRemove) -> Result<(), Error> {
    let mut inv = Invocation::new("secret-remove").arg(id);
    if let Some(revision) = options.revision {
        inv = inv.arg("--revision").arg(revision.to_string());
    }
    inv.run_unit()
}

/// Options for [`secret_revoke`]: whose access to take away.
///
/// ```
/// let opts = hookcmds::SecretRevoke::new().relation_id(3).unit("wordpress/1");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretRevoke {
    relation_id: Option<u64>,
    app: Option<String>,
    unit: Option<String>,
}

impl SecretRevoke {
    /// Nobody selected yet (Juju then uses the current hook's relation).
    pub fn new() -> Self {
        Self::default()
    }

    /// The remote application of this relation (`--relation`).
    pub fn relation_id(mut self, id: u64) -> Self {
        self.relation_id = Some(id);
        self
    }

    /// This application (`--app`).
    pub fn app(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    /// This unit only (`--unit`).
    pub fn unit(mut self, unit: impl Into<String>) -> Self {
        self.unit = Some(unit.into());
        self
    }
}

/// Takes back access granted with [`secret_grant`] (`secret-revoke`).
/// Applied when the hook succeeds.
///
/// Runs `secret-revoke [--relation <id>] [--app <app>] [--unit <unit>]
/// <id>`.
///
/// ```no_run
/// # fn main() -> Result<(), hookcmds::Error> {
/// use hookcmds::{secret_revoke, SecretRevoke};
/// secret_revoke("secret:cs2kqsu7tcvc50bpf0g0", &SecretRevoke::new().relation_id(3))?;
/// # Ok(()) }
/// ```
pub fn secret_revoke(id: &str, options: &SecretRevoke) -> Result<(), Error> {
    let mut inv = Invocation::new("secret-revoke");
    if let Some(relation_id) = options.relation_id {
        inv = inv.arg("--relation").arg(relation_id.to_string());
    }
    if let Some(app) = &options.app {
        inv = inv.arg("--app").arg(app);
    }
    if let Some(unit) = &options.unit {
        inv = inv.arg("--unit").arg(unit);
    }
    inv.arg(id).run_unit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn content_dir_is_private_and_removed() {
        let dir = ContentDir::create().unwrap();
        let path = dir.path.clone();
        let arg = dir.add("password", "s3cret").unwrap();
        assert_eq!(
            arg,
            format!("password#file={}", path.join("password").display())
        );
        assert_eq!(fs::read_to_string(path.join("password")).unwrap(), "s3cret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o700);
            assert_eq!(mode(&path.join("password")), 0o600);
        }
        drop(dir);
        assert!(!path.exists());
    }

    #[test]
    fn unsafe_keys_are_refused() {
        for key in ["", ".", "..", "a/b", "../x", "a\0b"] {
            assert!(
                matches!(check_key(key), Err(Error::InvalidInput(_))),
                "{key:?}"
            );
        }
        check_key("password").unwrap();
    }
}
