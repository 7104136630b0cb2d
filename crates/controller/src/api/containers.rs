//! Workload containers of pod units (`WorkloadContainer`): what `ssh
//! --container` and `scp --container` reach. A unit whose charm declares
//! `containers:` is a pod; its containers are those names plus `charm`
//! (the charm's own container: the unit's machine view, as on Kubernetes
//! where `charm` is the default). The CLI drives a workload container
//! through its Pebble's socket, so the command runs in that container's
//! root (its overlay, mount and PID namespaces).
//!
//! Juju's answers: a container the charm does not have is
//! `container "x" must be one of charm, a, b`; a unit of a charm without
//! containers is not a pod, and `--container` there keeps minijuju's
//! machine-model answer.

use controller_api::api::{ContainerTarget, ErrorCode};

use super::{error, ok, store_err, ApiResult};
use crate::Controller;

/// minijuju's answer to `--container` for a target that is not a pod unit.
pub const NOT_A_POD: &str =
    "--container is only supported on kubernetes models: this is a machine model";

/// The charm's own container, Juju's default.
pub const CHARM_CONTAINER: &str = "charm";

/// Juju's error for a container the charm does not declare (`declared`
/// sorted; `charm` first).
pub fn must_be_one_of(container: &str, declared: &[String]) -> String {
    let mut all = vec![CHARM_CONTAINER.to_string()];
    all.extend(declared.iter().cloned());
    format!("container {container:?} must be one of {}", all.join(", "))
}

/// Resolve `target` (`app/N` or `app/leader`) and `container` of it.
pub fn workload_container(
    ctl: &Controller,
    model: &str,
    target: &str,
    container: &str,
) -> ApiResult {
    let s = &ctl.rt.store;
    let m = s.model(model).map_err(store_err)?;
    let not_found = |what: String| error(ErrorCode::NotFound, what);
    let unit = if let Some(app) = target.strip_suffix("/leader") {
        s.application(model, app)
            .map_err(|_| not_found(format!("application {app:?} not found")))?
            .leader
            .ok_or_else(|| not_found(format!("application {app:?} has no leader")))?
    } else if juju_types::names::UnitName::parse(target).is_ok() {
        target.to_string()
    } else {
        return Err(error(ErrorCode::BadRequest, NOT_A_POD));
    };
    let u = s
        .unit(model, &unit)
        .map_err(|_| not_found(format!("getting unit {unit:?}: unit {unit:?} not found")))?;
    let app = s.application(model, &u.app).map_err(store_err)?;
    let charm = ctl
        .rt
        .charm(std::path::Path::new(&app.charm_dir))
        .map_err(|e| error(ErrorCode::Internal, e.to_string()))?;
    let declared: Vec<String> = charm.meta.containers.keys().cloned().collect();
    if declared.is_empty() {
        return Err(error(ErrorCode::BadRequest, NOT_A_POD));
    }
    let socket = if container == CHARM_CONTAINER {
        String::new()
    } else if declared.iter().any(|d| d == container) {
        let dir = ctl.rt.unit_dir(&m.uuid, &unit);
        unit_agent::container::Paths::new(&dir, container)
            .socket()
            .display()
            .to_string()
    } else {
        return Err(error(
            ErrorCode::BadRequest,
            must_be_one_of(container, &declared),
        ));
    };
    ok(ContainerTarget {
        unit,
        container: container.to_string(),
        socket,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_the_charm_lacks_is_named_with_the_choices() {
        assert_eq!(
            must_be_one_of("db", &["web".into(), "zz".into()]),
            "container \"db\" must be one of charm, web, zz"
        );
    }
}
