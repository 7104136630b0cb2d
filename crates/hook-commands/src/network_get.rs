//! `network-get [-r ID] <binding> [--bind-address] [--ingress-address]
//! [--egress-subnets] [--primary-address]`: print the network configuration
//! of an endpoint or extra binding (hook-tools.md §2.11).
//!
//! Without a selector: the whole structure, fields in Juju's order
//! (`bind-addresses`, `egress-subnets`, `ingress-addresses`, empty lists
//! omitted); YAML also repeats the legacy keys `macaddress`, `interfacename`
//! and `address`. One selector prints just that value, several a map keyed
//! `bind-address`, `ingress-address`, `egress-subnets`. The ingress address
//! falls back to the first bound address. `-r` (default: the hook's
//! relation) asks for the view through that relation.

use juju_types::output::{go_quote, Format};
use serde_json::{Map, Value};

use crate::flags::{self, Doc, Flag, Output, FORMAT, OUTPUT};
use crate::relation_arg::{self, RELATION};
use crate::structured::Node;
use crate::{BindAddress, NetworkInfo, Outcome, Session, ToolError, ToolRequest};

const DOC: Doc = Doc {
    name: "network-get",
    args: "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]",
    purpose: "Get network config.",
    details: "Prints the network config for a binding (an endpoint or extra binding): \
              its interfaces and addresses, ingress addresses and egress subnets. \
              --bind-address (the address to listen on), --ingress-address (the \
              address to advertise) and --egress-subnets (subnets traffic comes \
              from) print just that value; several of them print a map.",
};

const FLAGS: &[Flag] = &[
    FORMAT,
    OUTPUT,
    Flag::boolean(
        &["primary-address"],
        "(deprecated) get the primary address for the binding",
    ),
    Flag::boolean(
        &["bind-address"],
        "get the address for the binding on which the unit should listen",
    ),
    Flag::boolean(
        &["ingress-address"],
        "get the ingress address for the binding",
    ),
    Flag::boolean(
        &["egress-subnets"],
        "get the egress subnets for the binding",
    ),
    RELATION,
];

const BIND: &str = "bind-address";
const INGRESS: &str = "ingress-address";
const EGRESS: &str = "egress-subnets";

pub(crate) fn run(ctx: &mut Session, req: &ToolRequest) -> Outcome {
    let (p, relation) = relation_arg::parse(ctx, &DOC, FLAGS, &req.args)?;
    let Some((binding, rest)) = p.args.split_first() else {
        return Err(ToolError::usage("no arguments specified").into());
    };
    if binding.is_empty() {
        return Err(ToolError::usage("no binding name specified").into());
    }
    flags::check_empty(rest)?;
    let keys: Vec<&str> = [BIND, INGRESS, EGRESS]
        .into_iter()
        .filter(|k| p.is_set(k))
        .collect();
    let primary = p.is_set("primary-address");

    let info = ctx.network_info(binding, relation)?;
    let out = Output::from_parsed(&p);
    if info.bind_addresses.is_empty() {
        let msg = format!("no network config found for binding {}", go_quote(binding));
        return Err(ToolError::runtime(msg).into());
    }
    let no_addresses = || {
        let msg = format!(
            "no addresses attached to space for binding {}",
            go_quote(binding)
        );
        ToolError::runtime(msg)
    };
    let first_address = info.bind_addresses[0]
        .addresses
        .first()
        .map(|a| a.value.clone());

    if !primary && keys.is_empty() {
        let full = full_structure(&info, out.format != Format::Json);
        return Ok(out.emit(req, full.render(out.format))?);
    }
    if primary {
        if !keys.is_empty() {
            return Err(
                ToolError::runtime("--primary-address must be the only flag specified").into(),
            );
        }
        let address = first_address.ok_or_else(no_addresses)?;
        return Ok(out.write(req, &Value::String(address))?);
    }

    let mut values = Map::new();
    for key in &keys {
        let value = match *key {
            EGRESS => {
                // Go prints its nil slice as null in JSON and [] in YAML.
                let subnets = &info.egress_subnets;
                if subnets.is_empty() && out.format == Format::Json {
                    Value::Null
                } else {
                    Value::Array(subnets.iter().cloned().map(Value::String).collect())
                }
            }
            INGRESS => match info.ingress_addresses.first() {
                Some(address) => Value::String(address.clone()),
                None => Value::String(first_address.clone().ok_or_else(no_addresses)?),
            },
            _ => Value::String(first_address.clone().ok_or_else(no_addresses)?),
        };
        values.insert(key.to_string(), value);
    }
    let value = match keys.as_slice() {
        [only] => values.remove(*only).unwrap_or_default(),
        _ => Value::Object(values),
    };
    Ok(out.write(req, &value)?)
}

/// The whole structure; `legacy` adds the old YAML-only duplicate keys.
fn full_structure(info: &NetworkInfo, legacy: bool) -> Node {
    let strings = |v: &[String]| Node::List(v.iter().cloned().map(Node::Str).collect());
    let mut fields = Vec::new();
    let interfaces: Vec<Node> = info
        .bind_addresses
        .iter()
        .map(|b| interface(b, legacy))
        .collect();
    fields.push(("bind-addresses", Node::List(interfaces)));
    if !info.egress_subnets.is_empty() {
        fields.push(("egress-subnets", strings(&info.egress_subnets)));
    }
    if !info.ingress_addresses.is_empty() {
        fields.push(("ingress-addresses", strings(&info.ingress_addresses)));
    }
    Node::Struct(fields)
}

fn interface(b: &BindAddress, legacy: bool) -> Node {
    let addresses = b.addresses.iter().map(|a| {
        let mut fields = vec![
            ("hostname", Node::Str(a.hostname.clone())),
            ("value", Node::Str(a.value.clone())),
            ("cidr", Node::Str(a.cidr.clone())),
        ];
        if legacy {
            fields.push(("address", Node::Str(a.value.clone())));
        }
        Node::Struct(fields)
    });
    let mut fields = vec![
        ("mac-address", Node::Str(b.mac_address.clone())),
        ("interface-name", Node::Str(b.interface_name.clone())),
        ("addresses", Node::List(addresses.collect())),
    ];
    if legacy {
        fields.push(("macaddress", Node::Str(b.mac_address.clone())));
        fields.push(("interfacename", Node::Str(b.interface_name.clone())));
    }
    Node::Struct(fields)
}

#[cfg(test)]
mod tests {
    use crate::fake::{check_table, fail, ok, run, FakeContext};

    const DB_JSON: &str = "{\"bind-addresses\":[{\"mac-address\":\"00:16:3e:aa:bb:cc\",\
        \"interface-name\":\"eth0\",\"addresses\":[{\"hostname\":\"\",\"value\":\"10.1.2.3\",\
        \"cidr\":\"10.1.2.0/24\"}]}],\"egress-subnets\":[\"10.1.2.3/32\"],\
        \"ingress-addresses\":[\"10.1.2.3\"]}\n";

    const DB_YAML: &str = "bind-addresses:
- mac-address: 00:16:3e:aa:bb:cc
  interface-name: eth0
  addresses:
  - hostname: \"\"
    value: 10.1.2.3
    cidr: 10.1.2.0/24
    address: 10.1.2.3
  macaddress: 00:16:3e:aa:bb:cc
  interfacename: eth0
egress-subnets:
- 10.1.2.3/32
ingress-addresses:
- 10.1.2.3
";

    #[test]
    fn full_structure() {
        let ctx = FakeContext::default();
        let website_json = "{\"bind-addresses\":[{\"mac-address\":\"\",\"interface-name\":\"lo\",\
            \"addresses\":[{\"hostname\":\"web.internal\",\"value\":\"10.9.0.5\",\"cidr\":\"10.9.0.0/16\"},\
            {\"hostname\":\"\",\"value\":\"127.0.0.1\",\"cidr\":\"127.0.0.0/8\"}]},\
            {\"mac-address\":\"00:16:3e:00:00:02\",\"interface-name\":\"eth1\",\"addresses\":[]}]}\n";
        check_table(
            &ctx,
            &[
                (&["network-get", "--format=json", "db"], ok(DB_JSON)),
                (&["network-get", "db", "--format=json"], ok(DB_JSON)),
                (&["network-get", "db"], ok(DB_YAML)),
                (&["network-get", "--format=yaml", "db"], ok(DB_YAML)),
                (
                    &["network-get", "--format=json", "website"],
                    ok(website_json),
                ),
            ],
        );
        // -r N: the view through that relation.
        let mut ctx = FakeContext::default();
        let (code, out, _) = run(&mut ctx, &["network-get", "--format=json", "-r", "3", "db"]);
        assert_eq!(code, 0);
        assert!(
            out.ends_with(
                "\"egress-subnets\":[\"192.0.2.0/24\",\"10.1.2.3/32\"],\"ingress-addresses\":[\"192.0.2.10\",\"10.1.2.3\"]}\n"
            ),
            "{out}"
        );
        assert_eq!(ctx.calls, ["network_info db Some(3)"]);
    }

    #[test]
    fn selectors() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["network-get", "db", "--bind-address"], ok("10.1.2.3\n")),
                (&["network-get", "db", "--ingress-address", "--format=json"], ok("\"10.1.2.3\"\n")),
                (&["network-get", "db", "--egress-subnets"], ok("10.1.2.3/32\n")),
                (&["network-get", "db", "--egress-subnets", "--format=json"], ok("[\"10.1.2.3/32\"]\n")),
                (&["network-get", "db", "--primary-address"], ok("10.1.2.3\n")),
                (
                    &["network-get", "--format=json", "db", "--bind-address", "--ingress-address", "--egress-subnets"],
                    ok("{\"bind-address\":\"10.1.2.3\",\"egress-subnets\":[\"10.1.2.3/32\"],\"ingress-address\":\"10.1.2.3\"}\n"),
                ),
                (
                    &["network-get", "db", "--bind-address", "--ingress-address"],
                    ok("bind-address: 10.1.2.3\ningress-address: 10.1.2.3\n"),
                ),
                (
                    &["network-get", "-r", "db:3", "db", "--ingress-address", "--egress-subnets"],
                    ok("egress-subnets:\n- 192.0.2.0/24\n- 10.1.2.3/32\ningress-address: 192.0.2.10\n"),
                ),
                // No ingress address: the first bound address; no egress
                // subnets: Go's nil list.
                (&["network-get", "website", "--ingress-address"], ok("10.9.0.5\n")),
                (&["network-get", "website", "--egress-subnets", "--format=json"], ok("null\n")),
                (&["network-get", "website", "--egress-subnets"], ok("")),
                (&["network-get", "website", "--egress-subnets", "--format=yaml"], ok("[]\n")),
                (
                    &["network-get", "website", "--egress-subnets", "--bind-address", "--format=json"],
                    ok("{\"bind-address\":\"10.9.0.5\",\"egress-subnets\":null}\n"),
                ),
            ],
        );
    }

    #[test]
    fn errors() {
        let ctx = FakeContext::default();
        check_table(
            &ctx,
            &[
                (&["network-get"], fail(2, "no arguments specified")),
                (&["network-get", "--format=json"], fail(2, "no arguments specified")),
                (&["network-get", ""], fail(2, "no binding name specified")),
                (&["network-get", "db", "x"], fail(2, "unrecognized args: [\"x\"]")),
                (
                    &["network-get", "-r", "9", "db"],
                    fail(2, "invalid value \"9\" for option -r: relation not found"),
                ),
                (
                    &["network-get", "-r", "db:x", "db"],
                    fail(2, "invalid value \"db:x\" for option -r: invalid relation id"),
                ),
                (
                    &["network-get", "db", "--primary-address", "--bind-address"],
                    fail(1, "--primary-address must be the only flag specified"),
                ),
                (&["network-get", "nope"], fail(1, "no network config found for binding \"nope\"")),
                (&["network-get", "nothing"], fail(1, "no network config found for binding \"nothing\"")),
                (
                    &["network-get", "bare", "--primary-address"],
                    fail(1, "no addresses attached to space for binding \"bare\""),
                ),
                (
                    &["network-get", "bare", "--ingress-address"],
                    fail(1, "no addresses attached to space for binding \"bare\""),
                ),
                (
                    &["network-get", "bare", "--bind-address"],
                    fail(1, "no addresses attached to space for binding \"bare\""),
                ),
                (
                    &["network-get", "bare", "--format=json"],
                    ok("{\"bind-addresses\":[{\"mac-address\":\"00:16:3e:00:00:03\",\"interface-name\":\"eth2\",\"addresses\":[]}]}\n"),
                ),
            ],
        );
    }

    #[test]
    fn hook_relation_is_the_default_view() {
        let mut ctx = FakeContext::in_relation(3, Some("mysql/0"));
        assert_eq!(
            run(&mut ctx, &["network-get", "db", "--ingress-address"]),
            ok("192.0.2.10\n")
        );
        assert_eq!(
            run(
                &mut ctx,
                &["network-get", "db", "-r", "2", "--ingress-address"]
            ),
            ok("10.1.2.3\n")
        );
        let mut ctx = FakeContext::default();
        assert_eq!(
            run(&mut ctx, &["network-get", "db", "--bind-address"]),
            ok("10.1.2.3\n")
        );
        assert_eq!(ctx.calls, ["network_info db None"]);
    }
}
