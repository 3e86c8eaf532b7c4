//! The OpenAPI document, serialized once, and a self-contained HTML rendering of it (no
//! scripts, no third-party assets), built at start-up.

use crate::http::routes::RouteTable;
use serde_json::Value;
use std::fmt::Write;
use std::sync::Arc;
use utoipa::openapi::OpenApi;

pub struct ApiDocs {
    pub json: String,
    pub html: String,
    pub routes: Arc<RouteTable>,
}

impl ApiDocs {
    pub fn new(api: &OpenApi, routes: Arc<RouteTable>) -> Self {
        let value = serde_json::to_value(api).unwrap_or(Value::Null);
        let json = serde_json::to_string(&value).unwrap_or_else(|_| "{}".into());
        Self {
            json,
            html: render(&value),
            routes,
        }
    }
}

use crate::html::escape as esc;

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `#/components/schemas/X` → a link to X's section; inline schemas as compact JSON.
fn schema_ref(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(items) = schema.get("items") {
        return format!("array of {}", schema_ref(items));
    }
    format!("<code>{}</code>", esc(&schema.to_string()))
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}\
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f5f5f5;padding:.5rem;overflow:auto}\
.op{border:1px solid #ddd;border-radius:4px;margin:.6rem 0;padding:.5rem .8rem}\
.m{display:inline-block;min-width:4.5rem;font-weight:bold;text-transform:uppercase}\
.get{color:#05a}.post{color:#080}.put{color:#a60}.delete{color:#b00}\
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left}";

fn render(api: &Value) -> String {
    let info = &api["info"];
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — API</title>\
         <style>{STYLE}</style></head><body><h1>{} <small>{}</small></h1><p>{}</p>\
         <p>OpenAPI document: <a href=\"/openapi.json\">/openapi.json</a></p>",
        esc(text(info, "title")),
        esc(text(info, "title")),
        esc(text(info, "version")),
        esc(text(info, "description")),
    );
    // Group operations by their first tag, in the order the document lists tags.
    let mut tags: Vec<String> = api["tags"]
        .as_array()
        .map(|t| t.iter().map(|t| text(t, "name").to_string()).collect())
        .unwrap_or_default();
    let mut ops: Vec<(String, String, String, &Value)> = Vec::new();
    if let Some(paths) = api["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "put", "delete", "patch"] {
                if let Some(op) = item.get(method) {
                    let tag = op["tags"][0].as_str().unwrap_or("other").to_string();
                    if !tags.contains(&tag) {
                        tags.push(tag.clone());
                    }
                    ops.push((tag, path.clone(), method.to_string(), op));
                }
            }
        }
    }
    h.push_str("<nav><ul>");
    for tag in &tags {
        let _ = write!(h, "<li><a href=\"#tag-{0}\">{0}</a></li>", esc(tag));
    }
    h.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");
    for tag in &tags {
        let _ = write!(h, "<h2 id=\"tag-{0}\">{0}</h2>", esc(tag));
        for (_, path, method, op) in ops.iter().filter(|o| &o.0 == tag) {
            let _ = write!(
                h,
                "<div class=\"op\"><span class=\"m {m}\">{m}</span> <code>{p}</code>",
                m = esc(method),
                p = esc(path)
            );
            let summary = text(op, "summary");
            let description = text(op, "description");
            if !summary.is_empty() {
                let _ = write!(h, "<p><b>{}</b></p>", esc(summary));
            }
            if !description.is_empty() && description != summary {
                let _ = write!(h, "<p>{}</p>", esc(description));
            }
            if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                h.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>");
                for p in params {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(text(p, "name")),
                        if p["required"].as_bool() == Some(true) {
                            " *"
                        } else {
                            ""
                        },
                        esc(text(p, "in")),
                        schema_ref(&p["schema"]),
                        esc(text(p, "description")),
                    );
                }
                h.push_str("</table>");
            }
            if let Some(body) = op["requestBody"]["content"].as_object() {
                for (ct, c) in body {
                    let _ = write!(
                        h,
                        "<p>Request body (<code>{}</code>): {}</p>",
                        esc(ct),
                        schema_ref(&c["schema"])
                    );
                }
            }
            if let Some(responses) = op["responses"].as_object() {
                h.push_str("<ul>");
                for (status, r) in responses {
                    let schema = r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| schema_ref(&c["schema"]))
                        .unwrap_or_default();
                    let _ = write!(
                        h,
                        "<li><b>{}</b> {} {}</li>",
                        esc(status),
                        esc(text(r, "description")),
                        schema
                    );
                }
                h.push_str("</ul>");
            }
            h.push_str("</div>");
        }
    }
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = api["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let pretty = serde_json::to_string_pretty(schema).unwrap_or_default();
            let _ = write!(
                h,
                "<h3 id=\"schema-{0}\">{0}</h3><pre>{1}</pre>",
                esc(name),
                esc(&pretty)
            );
        }
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links() {
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
        let r = serde_json::json!({"$ref": "#/components/schemas/Agent"});
        assert_eq!(schema_ref(&r), "<a href=\"#schema-Agent\">Agent</a>");
    }
}
