//! The unit's hook-tool server: a unix socket (owner-only) on which the tool
//! client sends one call per connection. A call is served only if its context
//! id is the one of the hook currently running on this unit; anything else
//! (another unit's id, a finished hook's id) is refused and logged.

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use controller_api::toolwire::{ToolCall, ToolReply, MAX_FRAME};
use hook_commands::{ToolRequest, ToolResponse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};

use crate::context::HookContext;

/// The context currently allowed to call tools: `(id, context)`.
pub type Slot = Arc<Mutex<Option<(String, Arc<Mutex<HookContext>>)>>>;

/// Bind the unit's socket (replacing a stale one) and serve calls until the
/// returned task is aborted. `on_refused` is told about refused calls.
pub fn serve(
    socket: &Path,
    slot: Slot,
    on_refused: impl Fn(String) + Send + Sync + 'static,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    if let Some(dir) = socket.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let _ = std::fs::remove_file(socket);
    let listener = UnixListener::bind(socket)?;
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))?;
    let on_refused = Arc::new(on_refused);
    Ok(tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let slot = slot.clone();
            let on_refused = on_refused.clone();
            tokio::spawn(async move {
                let _ = handle(stream, slot, &*on_refused).await;
            });
        }
    }))
}

async fn read_frame(s: &mut UnixStream) -> std::io::Result<Vec<u8>> {
    let n = s.read_u32().await? as usize;
    if n > MAX_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "frame too large",
        ));
    }
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn handle(
    mut stream: UnixStream,
    slot: Slot,
    on_refused: &(dyn Fn(String) + Send + Sync),
) -> std::io::Result<()> {
    let payload = read_frame(&mut stream).await?;
    let reply = match ToolCall::decode(&payload) {
        Ok(call) => answer(call, &slot, on_refused),
        Err(e) => ToolReply::BadRequest(e.to_string()),
    };
    let body = reply.encode();
    stream.write_u32(body.len() as u32).await?;
    stream.write_all(&body).await?;
    stream.flush().await
}

fn answer(call: ToolCall, slot: &Slot, on_refused: &(dyn Fn(String) + Send + Sync)) -> ToolReply {
    let ctx = {
        let guard = slot.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_ref() {
            Some((id, ctx)) if *id == call.context_id => ctx.clone(),
            _ => {
                on_refused(format!(
                    "refused {} call with unknown context id {:?}",
                    call.tool, call.context_id
                ));
                return ToolReply::BadRequest(format!("unknown context id {:?}", call.context_id));
            }
        }
    };
    if call.tool.is_empty() {
        return ToolReply::BadRequest("command not specified".into());
    }
    let cwd = PathBuf::from(std::ffi::OsStr::from_bytes(&call.cwd));
    if !cwd.is_absolute() {
        return ToolReply::BadRequest(format!("dir is not absolute: {:?}", cwd));
    }
    let req = ToolRequest {
        tool: call.tool,
        args: call
            .args
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect(),
        cwd,
        stdin: call.stdin,
    };
    // One call at a time per context: the context mutex serialises them.
    let mut ctx = ctx.lock().unwrap_or_else(|p| p.into_inner());
    match ctx.run_tool(&req) {
        ToolResponse::Done {
            code,
            stdout,
            stderr,
        } => ToolReply::Done {
            code,
            stdout,
            stderr,
        },
        ToolResponse::NeedStdin => ToolReply::NeedStdin,
    }
}

/// A fresh, unguessable context id: `<unit>-<name>-<32 hex chars>`.
pub fn new_context_id(unit: &str, name: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{unit}-{name}-{hex}")
}
