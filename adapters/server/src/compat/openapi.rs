//! Marks the seeds' spellings in the OpenAPI document as deprecated alternatives, so generated
//! clients use the SPEC names: request bodies list every accepted key, seed aliases flagged
//! `deprecated`; seed-only operations and alias path prefixes are documented as deprecated.
//! Runs after the route table is built from the document (aliases are resolved by the gate,
//! not routed), so nothing here changes what is served.

use crate::http::routes::Alias;
use crate::rules::body::Shape;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType};
use utoipa::openapi::{Content, Deprecated, OpenApi, RefOr, Required};

/// `(method, path, shape)` of every request body that accepts seed spellings.
fn bodies() -> Vec<(&'static str, &'static str, &'static Shape)> {
    use crate::inbound::accounts;
    use crate::rules::{allocation, routing, sla, triggers, working_time};
    vec![
        ("put", "/api/v3/anytime/routingRules", &routing::CONFIG),
        ("put", "/api/v3/anytime/routingRules/{id}", &routing::CONFIG),
        (
            "post",
            "/api/v3/anytime/routingRules/customRules",
            &routing::RULE,
        ),
        (
            "put",
            "/api/v3/anytime/routingRules/customRules/{id}",
            &routing::RULE,
        ),
        ("post", "/api/v3/anytime/triggers", &triggers::SHAPE),
        ("put", "/api/v3/anytime/triggers/{id}", &triggers::SHAPE),
        ("post", "/api/v3/anytime/slaPolicies", &sla::SHAPE),
        ("put", "/api/v3/anytime/slaPolicies/{id}", &sla::SHAPE),
        ("put", "/api/v3/anytime/autoAllocation", &allocation::SHAPE),
        ("put", "/api/v3/anytime/workingTime", &working_time::WORKING),
        ("post", "/api/v3/anytime/emailAccounts", &accounts::SHAPE),
        (
            "put",
            "/api/v3/anytime/emailAccounts/{id}",
            &accounts::SHAPE,
        ),
    ]
}

/// Operations that exist only for a seed's spelling of a path.
const SEED_OPERATIONS: &[(&str, &str)] = &[
    ("put", "/api/v3/anytime/routingRules/{id}"),
    ("put", "/api/v3/anytime/routingRules/{id}/enable"),
    ("delete", "/api/v3/anytime/holidays"),
];

fn operation<'a>(item: &'a mut PathItem, method: &str) -> Option<&'a mut Operation> {
    match method {
        "get" => item.get.as_mut(),
        "put" => item.put.as_mut(),
        "post" => item.post.as_mut(),
        "delete" => item.delete.as_mut(),
        _ => None,
    }
}

fn deprecate(op: &mut Operation, why: &str) {
    op.deprecated = Some(Deprecated::True);
    let text = op.description.take().unwrap_or_default();
    op.description = Some(format!("{text}\n\nDeprecated: {why}").trim().to_string());
}

/// The body schema of `shape`: SPEC keys, then each seed alias as a deprecated property.
fn schema(shape: &Shape) -> Schema {
    let any = || ObjectBuilder::new().schema_type(SchemaType::AnyValue);
    let mut object = ObjectBuilder::new();
    for key in shape.allowed {
        object = object.property(*key, any());
    }
    for (seed, ours) in shape.aliases {
        object = object.property(
            *seed,
            any()
                .deprecated(Some(Deprecated::True))
                .description(Some(format!("Seed spelling of `{ours}`; use `{ours}`."))),
        );
    }
    let wrappers: Vec<String> = shape.wrappers.iter().map(|w| format!("`{w}`")).collect();
    if !wrappers.is_empty() {
        object = object.description(Some(format!(
            "May also come wrapped in a single key ({}), as the seeds send it (deprecated).",
            wrappers.join(", ")
        )));
    }
    Schema::Object(object.build())
}

/// Where an alias prefix documents a path of the document: `from` + the rest of `path`, its
/// `{param}` segments renamed so they cannot clash with the target's.
fn alias_path(alias: &Alias, path: &str) -> Option<(String, Vec<String>)> {
    let (from, to) = alias.parts();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let matches = to.len() <= segments.len()
        && to
            .iter()
            .zip(&segments)
            .all(|(t, s)| t.eq_ignore_ascii_case(s));
    if !matches {
        return None;
    }
    let mut ignored = Vec::new();
    let mut out = String::new();
    for seg in from {
        out.push('/');
        if seg.starts_with('{') {
            let name = format!("ignored{}", ignored.len() + 1);
            out.push_str(&format!("{{{name}}}"));
            ignored.push(name);
        } else {
            out.push_str(seg);
        }
    }
    for seg in &segments[to.len()..] {
        out.push('/');
        out.push_str(seg);
    }
    Some((out, ignored))
}

/// Adds the seed spellings to `api` as deprecated alternatives.
pub fn document(api: &mut OpenApi, aliases: &[Alias]) {
    for (method, path, shape) in bodies() {
        let Some(op) = api
            .paths
            .paths
            .get_mut(path)
            .and_then(|i| operation(i, method))
        else {
            continue;
        };
        if let Some(body) = op.request_body.as_mut() {
            body.content.insert(
                "application/json".into(),
                Content::new(Some(RefOr::T(schema(shape)))),
            );
        }
    }
    for (method, path) in SEED_OPERATIONS {
        if let Some(op) = api
            .paths
            .paths
            .get_mut(*path)
            .and_then(|i| operation(i, method))
        {
            deprecate(
                op,
                "a seed spelling of this resource's path; use the SPEC path.",
            );
        }
    }
    let mut extra = Vec::new();
    for alias in aliases {
        for (path, item) in &api.paths.paths {
            let Some((seed_path, ignored)) = alias_path(alias, path) else {
                continue;
            };
            if api.paths.paths.contains_key(&seed_path) {
                continue;
            }
            let mut item = item.clone();
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                deprecate(op, &format!("seed alias of `{path}`; use that path."));
                op.operation_id = op.operation_id.take().map(|id| format!("{id}_seedAlias"));
                for name in &ignored {
                    op.parameters.get_or_insert_with(Vec::new).push(
                        ParameterBuilder::new()
                            .name(name)
                            .parameter_in(ParameterIn::Path)
                            .required(Required::True)
                            .description(Some("Ignored (one per site)"))
                            .schema(Some(ObjectBuilder::new().schema_type(SchemaType::AnyValue)))
                            .build(),
                    );
                }
            }
            extra.push((seed_path, item));
        }
    }
    for (path, item) in extra {
        api.paths.paths.entry(path).or_insert(item);
    }
    // Several alias paths copy one operation: keep every operationId unique.
    crate::http::operation_ids::make_unique(api);
}
