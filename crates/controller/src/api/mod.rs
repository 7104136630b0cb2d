//! The API server: one JSON request line per connection, one response line
//! (before it, a handler that reports its steps sends progress lines:
//! `{"progress": "..."}`). Handlers live in one file per endpoint group.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use controller_api::api::{ApiError, ErrorCode, Request, Response};
use controller_api::envelope::decode_request;
use serde::Serialize;
use state_store::StoreError;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

use crate::{Controller, ControllerError};

mod actions;
mod applications;
mod clouds;
mod config;
mod containers;
mod expose;
mod logs;
mod machines;
mod models;
mod offers;
mod refresh;
mod relations;
mod resources;
mod scale;
mod secrets;
mod status;
mod status_history;
mod storage;

/// Result type of handlers.
pub type ApiResult = Result<serde_json::Value, ApiError>;

/// Build an error.
pub fn error(code: ErrorCode, message: impl Into<String>) -> ApiError {
    ApiError {
        code,
        message: message.into(),
    }
}

/// Serialise a handler's success value.
pub fn ok<T: Serialize>(v: T) -> ApiResult {
    serde_json::to_value(v).map_err(|e| error(ErrorCode::Internal, e.to_string()))
}

/// Store errors keep their wording and get a matching code.
pub fn store_err(e: StoreError) -> ApiError {
    let code = match e {
        StoreError::NotFound(_) => ErrorCode::NotFound,
        StoreError::Conflict(_) => ErrorCode::AlreadyExists,
        StoreError::Refused(_) => ErrorCode::BadRequest,
        _ => ErrorCode::Internal,
    };
    error(code, e.to_string())
}

/// Bind the owner-only API socket (removing a stale one left by a crash).
pub fn bind(socket: &Path) -> Result<UnixListener, ControllerError> {
    if let Some(dir) = socket.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::remove_file(socket);
    let l = UnixListener::bind(socket).map_err(|source| ControllerError::Io {
        context: format!("binding {}", socket.display()),
        source,
    })?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
        ControllerError::Io {
            context: format!("securing {}", socket.display()),
            source,
        }
    })?;
    Ok(l)
}

/// Accept connections forever.
pub async fn serve(listener: UnixListener, ctl: Arc<Controller>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let ctl = ctl.clone();
        ctl.inflight
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        tokio::spawn(async move {
            if let Err(e) = connection(stream, ctl.clone()).await {
                tracing::debug!(error = %e, "api connection failed");
            }
            ctl.inflight
                .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        });
    }
}

async fn connection(stream: UnixStream, ctl: Arc<Controller>) -> std::io::Result<()> {
    let (r, mut w) = stream.into_split();
    let mut line = String::new();
    BufReader::new(r).read_line(&mut line).await?;
    // The client's API version is checked first (`envelope`).
    let response = match decode_request(&line) {
        Ok(req) => {
            let name = format!("{req:?}");
            let name = name.split([' ', '(', '{']).next().unwrap_or("").to_string();
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
            let work = dispatch(&ctl, req, tx);
            tokio::pin!(work);
            // Progress lines are forwarded as they come; a client that went
            // away does not stop the request.
            let res = loop {
                tokio::select! {
                    res = &mut work => break res,
                    Some(line) = rx.recv() => send_progress(&mut w, line).await,
                }
            };
            while let Ok(line) = rx.try_recv() {
                send_progress(&mut w, line).await;
            }
            if let Err(e) = &res {
                tracing::info!(request = %name, error = %e.message, "request failed");
            }
            match res {
                Ok(v) => Response::Ok(v),
                Err(e) => Response::Error(e),
            }
        }
        Err(e) => {
            tracing::info!(error = %e.message, "request refused");
            Response::Error(e)
        }
    };
    let mut out = serde_json::to_vec(&response).expect("response serialises");
    out.push(b'\n');
    w.write_all(&out).await
}

/// Send one progress line; a client that went away does not stop the
/// request it made.
async fn send_progress(w: &mut tokio::net::unix::OwnedWriteHalf, line: String) {
    let mut out = serde_json::to_vec(&Response::Progress(line)).expect("progress serialises");
    out.push(b'\n');
    let _ = w.write_all(&out).await;
}

/// Run a handler on the blocking pool.
async fn blocking(
    ctl: &Arc<Controller>,
    f: impl FnOnce(&Controller) -> ApiResult + Send + 'static,
) -> ApiResult {
    let ctl = ctl.clone();
    tokio::task::spawn_blocking(move || f(&ctl))
        .await
        .unwrap_or_else(|e| Err(error(ErrorCode::Internal, format!("request failed: {e}"))))
}

/// A handler's progress lines, sent to the client before its answer.
pub type ProgressSender = tokio::sync::mpsc::UnboundedSender<String>;

async fn dispatch(ctl: &Arc<Controller>, req: Request, progress: ProgressSender) -> ApiResult {
    use Request::*;
    match req {
        ControllerInfo => models::controller_info(ctl),
        Shutdown => {
            let _ = ctl.rt.shutdown.send(true);
            ok(())
        }
        AddModel {
            name,
            config,
            cloud,
            credential,
        } => models::add_model(ctl, &name, &config, cloud.as_deref(), credential.as_deref()),
        ListClouds => clouds::list_clouds(ctl),
        AddCloud { cloud } => clouds::add_cloud(ctl, cloud),
        UpdateCloud { cloud } => clouds::update_cloud(ctl, cloud),
        RemoveCloud { name } => clouds::remove_cloud(ctl, &name),
        ListCredentials {
            cloud,
            show_secrets,
        } => clouds::list_credentials(ctl, cloud.as_deref(), show_secrets),
        PutCredential {
            cloud,
            name,
            auth_type,
            attributes,
            update,
        } => clouds::put_credential(ctl, &cloud, &name, auth_type, attributes, update),
        RemoveCredential { cloud, name, force } => {
            clouds::remove_credential(ctl, &cloud, &name, force)
        }
        ListModels => models::list_models(ctl),
        ShowModel { name } => models::show_model(ctl, &name),
        DestroyModel { name, force, .. } => models::destroy_model(ctl, &name, force).await,
        ModelConfig { model, set, reset } => models::model_config(ctl, &model, &set, &reset),
        // Building a charm from source takes seconds: off the async workers.
        Deploy(args) => {
            blocking(ctl, move |c| {
                applications::deploy(c, &args, &move |line: &str| {
                    let _ = progress.send(line.to_string());
                })
            })
            .await
        }
        // Refresh stages (and may build) the new charm: off the async workers too.
        Refresh(args) => {
            blocking(ctl, move |c| {
                refresh::refresh(c, &args, &move |line: &str| {
                    let _ = progress.send(line.to_string());
                })
            })
            .await
        }
        AttachResource {
            model,
            application,
            resource,
        } => resources::attach(ctl, &model, &application, &resource),
        ListResources { model, application } => resources::list(ctl, &model, &application),
        Trust {
            model,
            application,
            trust,
        } => config::trust(ctl, &model, &application, trust),
        AddUnit {
            model,
            application,
            num_units,
            to,
        } => applications::add_unit(ctl, &model, &application, num_units, &to),
        RemoveUnit {
            model,
            units,
            force,
        } => applications::remove_unit(ctl, &model, &units, force),
        ScaleApplication {
            model,
            application,
            scale: n,
            change,
            force,
        } => scale::scale_application(ctl, &model, &application, n, change, force),
        RemoveApplication {
            model,
            applications,
            force,
        } => applications::remove_application(ctl, &model, &applications, force),
        Config {
            model,
            application,
            set,
            config_yaml,
            reset,
        } => config::config(
            ctl,
            &model,
            &application,
            &set,
            config_yaml.as_deref(),
            &reset,
        ),
        // Reads that may be large run off the async workers, on the reader.
        Status { model } => blocking(ctl, move |c| status::status(c, &model)).await,
        Run {
            model,
            units,
            action,
            params,
        } => actions::run(ctl, &model, &units, &action, &params),
        WaitTasks {
            model,
            ids,
            timeout_ms,
        } => actions::wait_tasks(ctl, &model, &ids, timeout_ms).await,
        ShowTask { model, id } => actions::show_task(ctl, &model, id),
        Operations { model } => actions::operations(ctl, &model),
        ShowOperation { model, id } => actions::show_operation(ctl, &model, id),
        DebugLog {
            model,
            after,
            limit,
            newest,
        } => {
            blocking(ctl, move |c| {
                logs::debug_log(c, &model, after, limit, newest)
            })
            .await
        }
        Resolve {
            model,
            units,
            no_retry,
        } => applications::resolve(ctl, &model, &units, no_retry),
        Integrate { model, a, b } => relations::integrate(ctl, &model, &a, &b),
        RemoveRelation {
            model,
            specs,
            force,
        } => relations::remove_relation(ctl, &model, &specs, force),
        ShowUnit { model, units } => relations::show_unit(ctl, &model, &units),
        Offer {
            model,
            application,
            endpoints,
            name,
        } => offers::offer(ctl, &model, &application, &endpoints, &name),
        ListOffers { model } => offers::list_offers(ctl, model.as_deref()),
        Consume {
            target,
            model,
            offer,
            alias,
        } => offers::consume(ctl, &target, &model, &offer, alias.as_deref()),
        RemoveOffer { offers, force } => offers::remove_offer(ctl, &offers, force),
        RemoveSaas { model, names } => offers::remove_saas(ctl, &model, &names),
        Exec {
            model,
            machines,
            command,
            timeout_ms,
            units,
            applications,
            all,
        } if !machines.is_empty() && units.is_empty() && applications.is_empty() && !all => {
            machines::exec_machines(ctl, &model, &machines, &command, timeout_ms)
        }
        Exec {
            model,
            units,
            applications,
            all,
            command,
            timeout_ms,
            ..
        } => actions::exec(
            ctl,
            &model,
            &units,
            &applications,
            all,
            &command,
            timeout_ms,
        ),
        AddSecret {
            model,
            name,
            description,
            content,
        } => secrets::add_secret(ctl, &model, &name, &description, &content),
        UpdateSecret {
            model,
            secret,
            content,
            description,
            name,
            auto_prune,
        } => secrets::update_secret(
            ctl,
            &model,
            &secret,
            state_store::secret_admin::UserSecretUpdate {
                content,
                description,
                name,
                auto_prune,
            },
        ),
        RemoveSecret {
            model,
            secret,
            revision,
        } => secrets::remove_secret(ctl, &model, &secret, revision),
        GrantSecret {
            model,
            secret,
            applications,
            grant,
        } => secrets::grant_secret(ctl, &model, &secret, &applications, grant),
        AddMachines {
            model,
            num,
            base,
            constraints,
        } => machines::add_machines(ctl, &model, num, base.as_deref(), &constraints),
        RemoveMachines { model, ids, force } => machines::remove_machines(ctl, &model, &ids, force),
        Constraints {
            model,
            application,
            set,
        } => machines::constraints(ctl, &model, application.as_deref(), set.as_deref()),
        SshKeys { model, add, remove } => machines::ssh_keys(ctl, &model, &add, &remove),
        MachineView { model, target } => {
            blocking(ctl, move |c| machines::machine_view(c, &model, &target)).await
        }
        WorkloadContainer {
            model,
            target,
            container,
        } => containers::workload_container(ctl, &model, &target, &container),
        ListStorage { model, ids } => storage::list_storage(ctl, &model, &ids),
        AddStorage {
            model,
            unit,
            directives,
        } => storage::add_storage(ctl, &model, &unit, &directives),
        DetachStorage { model, ids, .. } => storage::detach_storage(ctl, &model, &ids),
        RemoveStorage {
            model,
            ids,
            force,
            no_destroy,
        } => storage::remove_storage(ctl, &model, &ids, force, no_destroy),
        StatusHistory {
            model,
            entity,
            kind,
            size,
            from,
        } => status_history::status_history(ctl, &model, &entity, &kind, size, from),
        Expose {
            model,
            application,
            endpoints,
            spaces,
            cidrs,
        } => expose::expose(ctl, &model, &application, &endpoints, &spaces, &cidrs),
        Unexpose {
            model,
            application,
            endpoints,
        } => expose::unexpose(ctl, &model, &application, &endpoints),
        ApplicationActions { model, application } => {
            actions::application_actions(ctl, &model, &application)
        }
        CancelTasks { model, ids } => actions::cancel_tasks(ctl, &model, &ids),
        ListSecrets {
            model,
            secret,
            reveal,
            revision,
        } => {
            blocking(ctl, move |c| {
                secrets::list_secrets(c, &model, secret.as_deref(), reveal, revision)
            })
            .await
        }
    }
}
