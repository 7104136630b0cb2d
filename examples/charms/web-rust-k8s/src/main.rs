//! web-rust-k8s: a sidecar charm written in Rust. Its `web` container's
//! Pebble is driven with the `pebble` crate over
//! `/charm/containers/web/pebble.socket`; hooks and actions are dispatched
//! by the `charm` crate. This binary is the charm's `dispatch`;
//! scripts/build.sh assembles the charm in `target/charms/web-rust-k8s`.
//!
//! Behaviour:
//!
//! * `web-pebble-ready`, `config-changed`, `start`: when Pebble answers,
//!   push `/srv/www/index.html` (`<greeting> from <unit>`), add the layer
//!   `web` (service `http`: `python3 -m http.server <port>` bound to the
//!   unit's address from `network-get juju-info`; check `up`: an HTTP GET
//!   of the page every second, down after 2 failures), replan, open the
//!   port, and set `active` / `serving on <address>:<port>`. Without
//!   Pebble yet: `waiting` / `waiting for Pebble` (pebble-ready comes in
//!   no fixed order with start and config-changed).
//! * `web-pebble-custom-notice`: reads the notice back from Pebble and sets
//!   `active` / `notice <key> #<occurrences>`.
//! * `web-pebble-check-failed`: `maintenance` / `check <name> failing`;
//!   `web-pebble-check-recovered`: back to `serving on ...`.
//! * Actions: `run` (Pebble exec of `sh -c <command>` in the container:
//!   `out`, `err`, `code`), `info` (Pebble's version, the page pulled
//!   back, services, checks and the plan).

#![forbid(unsafe_code)]

use std::process::ExitCode;

use charm::{Charm, Context, Event, EventKind, HandlerResult};
use hookcmds::{ConfigGet, NetworkGet, Port};
use pebble::{Check, Client, ExecOptions, Layer, PushOptions, Service};

const CONTAINER: &str = "web";
const PAGE: &str = "/srv/www/index.html";

fn main() -> ExitCode {
    Charm::new()
        .on_scoped(EventKind::PebbleReady, CONTAINER, reconcile)
        .on(EventKind::ConfigChanged, reconcile)
        .on(EventKind::Start, reconcile)
        .on_scoped(EventKind::PebbleCustomNotice, CONTAINER, custom_notice)
        .on_scoped(EventKind::PebbleCheckFailed, CONTAINER, check_failed)
        .on_scoped(EventKind::PebbleCheckRecovered, CONTAINER, check_recovered)
        .on_action("run", run)
        .on_action("info", info)
        .run()
}

fn pebble() -> Client {
    Client::for_container(CONTAINER)
}

/// Config `port`.
fn port() -> Result<u16, hookcmds::Error> {
    let p: Option<u16> = hookcmds::config_get(&ConfigGet::new().key("port"))?;
    Ok(p.unwrap_or(8080))
}

/// Config `greeting`.
fn greeting() -> Result<String, hookcmds::Error> {
    let g: Option<String> = hookcmds::config_get(&ConfigGet::new().key("greeting"))?;
    Ok(g.unwrap_or_else(|| "hello".into()))
}

/// The unit's address: where it listens (`network-get juju-info`).
fn address() -> Result<String, hookcmds::Error> {
    let n = hookcmds::network_get("juju-info", &NetworkGet::new())?;
    Ok(n.ingress_addresses
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1".into()))
}

fn serving(address: &str, port: u16) -> String {
    format!("serving on {address}:{port}")
}

/// The layer running the server on `address:port` and checking it.
fn layer(address: &str, port: u16) -> Layer {
    let command = format!("python3 -m http.server {port} --bind {address} --directory /srv/www");
    Layer::new("web server")
        .service(
            "http",
            Service::new(&command)
                .summary("the page server")
                .startup("enabled"),
        )
        .check(
            "up",
            Check::http(&format!("http://{address}:{port}/"))
                .period("1s")
                .threshold(2),
        )
}

/// Bring the container in line with the config, when its Pebble answers.
fn reconcile(ctx: &Context) -> HandlerResult {
    let c = pebble();
    if !c.can_connect() {
        charm::waiting("waiting for Pebble")?;
        return Ok(());
    }
    let (address, port) = (address()?, port()?);
    let page = format!("{} from {}\n", greeting()?, ctx.env.unit_name);
    c.push(PAGE, page.as_bytes(), &PushOptions::new().make_dirs(true))?;
    c.add_layer("web", &layer(&address, port), true)?;
    c.replan()?;
    hookcmds::open_port(&Port::tcp(port))?;
    charm::active(&serving(&address, port))?;
    Ok(())
}

fn custom_notice(ctx: &Context) -> HandlerResult {
    let Event::PebbleCustomNotice(n) = &ctx.event else {
        return Ok(());
    };
    let notice = pebble().notice(&n.id)?;
    charm::active(&format!("notice {} #{}", notice.key, notice.occurrences))?;
    Ok(())
}

fn check_failed(ctx: &Context) -> HandlerResult {
    let Event::PebbleCheckFailed(check) = &ctx.event else {
        return Ok(());
    };
    charm::maintenance(&format!("check {} failing", check.check))?;
    Ok(())
}

fn check_recovered(_ctx: &Context) -> HandlerResult {
    charm::active(&serving(&address()?, port()?))?;
    Ok(())
}

/// `run`: the command through Pebble exec; a non-zero exit is a result,
/// Pebble refusing the command fails the action with Pebble's message.
fn run(ctx: &Context) -> HandlerResult {
    let command: String = ctx.param("command")?.unwrap_or_default();
    let stdin: String = ctx.param("stdin")?.unwrap_or_default();
    let opts = ExecOptions::new(["sh", "-c", command.as_str()])
        .working_dir("/")
        .stdin(stdin);
    match pebble().exec(&opts) {
        Ok(out) => ctx.set_results(&serde_json::json!({
            "out": out.stdout_text(),
            "err": out.stderr_text(),
            "code": out.exit_code,
        }))?,
        Err(e) => ctx.fail(&e.to_string())?,
    }
    Ok(())
}

/// `info`: what Pebble says, through every read the client has.
fn info(ctx: &Context) -> HandlerResult {
    let c = pebble();
    let system = c.system_info()?;
    let page = String::from_utf8_lossy(&c.pull(PAGE)?).into_owned();
    let services: serde_json::Map<String, serde_json::Value> = c
        .services(&[])?
        .into_iter()
        .map(|s| (s.name, s.current.into()))
        .collect();
    let checks: serde_json::Map<String, serde_json::Value> = c
        .checks(&[])?
        .into_iter()
        .map(|s| (s.name, s.status.into()))
        .collect();
    ctx.set_results(&serde_json::json!({
        "version": system.version,
        "page": page,
        "services": serde_json::Value::Object(services).to_string(),
        "checks": serde_json::Value::Object(checks).to_string(),
        "plan": c.plan()?,
    }))?;
    Ok(())
}
