//! Email account values the seeds spell differently (SPEC Appendix A; key aliases are in the
//! account's `Shape`, which maps `exchangeServer`/`IMAPServer`/`email…Server` to `serverInfo`).

use crate::http::{ApiError, ApiResult};
use serde_json::{Map, Value};

/// The seed keys for an account's fields, as `(seed spelling, our name)`.
pub const ALIASES: &[(&str, &str)] = &[
    ("assignedDepartment", "assignedDepartmentId"),
    ("assigneedDepartment", "assignedDepartmentId"),
    ("departmentAssigneeId", "assignedDepartmentId"),
    ("assignedAgent", "assignedAgentId"),
    ("assigneedAgent", "assignedAgentId"),
    ("agentAssigneeId", "assignedAgentId"),
    ("email", "businessEmail"),
    ("exchangeServer", "serverInfo"),
    ("IMAPServer", "serverInfo"),
    ("emailForwardingServer", "serverInfo"),
    ("emailForwordingServer", "serverInfo"),
];

/// `type` in any case and with the seeds' spaces and typo; a boolean `status` dropped (it is
/// measured, not set). Other `status` values are refused.
pub fn values(map: &mut Map<String, Value>) -> ApiResult<()> {
    if let Some(Value::String(t)) = map.get_mut("type") {
        let folded: String = t
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        let canonical = match folded.as_str() {
            "imap" => Some("imap"),
            "exchange" => Some("exchange"),
            "emailforwarding" | "emailforwording" => Some("emailForwarding"),
            _ => None,
        };
        if let Some(c) = canonical {
            *t = c.to_string();
        }
    }
    match map.remove("status") {
        None | Some(Value::Bool(_)) => Ok(()),
        Some(_) => Err(ApiError::invalid(
            "status",
            "is measured by the server and cannot be set",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn seed_types_fold_and_status_is_dropped() {
        for (seed, ours) in [
            ("IMAP", "imap"),
            ("Exchange", "exchange"),
            ("Email Forwarding", "emailForwarding"),
            ("Email Forwording", "emailForwarding"),
            ("emailForwording", "emailForwarding"),
            ("pop3", "pop3"),
        ] {
            let mut m = map(json!({"type": seed, "status": true}));
            values(&mut m).unwrap();
            assert_eq!(Value::Object(m), json!({"type": ours}), "{seed}");
        }
        let mut m = map(json!({"status": "ok"}));
        assert!(values(&mut m).is_err());
    }
}
