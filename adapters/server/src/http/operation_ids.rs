//! OpenAPI requires every `operationId` to be unique (OAS 3.1 §4.8.10); utoipa takes the
//! handler's function name, and many resources name theirs `get`, `list`, `delete`. A name
//! used once is kept; a repeated one becomes `<method><Path>` (`getApiV3AgentsId`), which is
//! unique because a path has one operation per method.

use std::collections::BTreeMap;
use utoipa::openapi::path::Operation;
use utoipa::openapi::OpenApi;

fn operations(api: &mut OpenApi) -> Vec<(String, &'static str, &mut Operation)> {
    let mut out = Vec::new();
    for (path, item) in api.paths.paths.iter_mut() {
        for (method, op) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("patch", &mut item.patch),
        ] {
            if let Some(op) = op.as_mut() {
                out.push((path.clone(), method, op));
            }
        }
    }
    out
}

/// `get` + `/api/v3/agents/{id}` → `getApiV3AgentsId`.
fn derived(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for word in path.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

pub fn make_unique(api: &mut OpenApi) {
    let mut ops = operations(api);
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, op) in &ops {
        if let Some(id) = &op.operation_id {
            *uses.entry(id.clone()).or_default() += 1;
        }
    }
    for (path, method, op) in ops.iter_mut() {
        let repeated = op
            .operation_id
            .as_ref()
            .is_none_or(|id| uses.get(id).copied().unwrap_or(0) > 1);
        if repeated {
            op.operation_id = Some(derived(method, path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::derived;

    #[test]
    fn derived_ids_read_like_the_path() {
        assert_eq!(derived("get", "/api/v3/agents/{id}"), "getApiV3AgentsId");
        assert_eq!(
            derived("delete", "/api/v3/anytime/conversations/{id}/draft"),
            "deleteApiV3AnytimeConversationsIdDraft"
        );
    }
}
