//! `/openapi.json` documents the fields, filters and attachments routes with their schemas.

mod common;
use common::Server;

#[test]
fn console_routes_are_documented_with_schemas() {
    let s = Server::start();
    let api = s.send("GET", "/openapi.json", None, None, b"").json();
    let paths = &api["paths"];
    for (path, methods) in [
        ("/api/v3/anytime/fields", &["get", "post"][..]),
        ("/api/v3/anytime/fields/{id}", &["get", "put", "delete"][..]),
        ("/api/v3/anytime/fields/mapping", &["put"][..]),
        ("/api/v3/anytime/filters", &["get", "post"][..]),
        (
            "/api/v3/anytime/filters/{id}",
            &["get", "put", "delete"][..],
        ),
        ("/api/v3/anytime/conversations/unreadCount", &["get"][..]),
        ("/api/v3/anytime/attachments", &["post"][..]),
        ("/api/v3/anytime/attachments/{guid}", &["get", "delete"][..]),
    ] {
        for m in methods {
            assert!(paths[path][m].is_object(), "{m} {path} is not documented");
        }
    }
    let schemas = &api["components"]["schemas"];
    for name in [
        "FieldView",
        "FieldBody",
        "FilterView",
        "FilterBody",
        "AttachmentView",
        "UnreadCounts",
        "MappingBody",
    ] {
        assert!(schemas[name].is_object(), "schema {name} missing");
    }
    let upload = &paths["/api/v3/anytime/attachments"]["post"]["requestBody"]["content"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
    // a documented route answers (not 404) and an undocumented one is a JSON 404
    assert_eq!(s.get("/api/v3/anytime/FIELDS", &s.admin).status, 200);
    assert_eq!(s.get("/api/v3/anytime/fieldz", &s.admin).status, 404);
}
