//! Email account values the seeds spell differently (SPEC Appendix A; key aliases are in the
//! account's `Shape`, which maps `exchangeServer`/`IMAPServer`/`email…Server` to `serverInfo`).

use crate::http::{ApiError, ApiResult};
use crate::rules::body::{self, Shape};
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

/// Seed 003's `emailAccountInfo` on an `Email` channel account: the linked email account's
/// `{type, businessEmail, displayName, serverInfo}` (SPEC Appendix A), under the same seed
/// spellings as a v3 account body.
const CHANNEL_INFO: Shape = Shape {
    wrappers: &[],
    aliases: &[
        ("email", "businessEmail"),
        ("exchangeServer", "serverInfo"),
        ("IMAPServer", "serverInfo"),
        ("emailForwardingServer", "serverInfo"),
        ("emailForwordingServer", "serverInfo"),
    ],
    allowed: &["type", "businessEmail", "displayName", "serverInfo"],
};

/// `emailAccountInfo` as the email account keys it sets: an object, or a string holding one
/// (seed 003 sends it as a JSON string); absent, null or an empty string sets nothing. Errors
/// name `emailAccountInfo.<field>`.
pub fn channel_info(value: Option<&Value>) -> ApiResult<Option<Map<String, Value>>> {
    let info = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).map_err(|_| {
            ApiError::invalid(
                "emailAccountInfo",
                "must be an object or a JSON object string",
            )
        })?,
        Some(v) => v.clone(),
    };
    let mut info = body::normalize(info, &CHANNEL_INFO, "emailAccountInfo")?;
    if let Some(t) = info.get("type") {
        if !t.is_string() {
            return Err(ApiError::invalid(
                "emailAccountInfo.type",
                "must be imap, exchange or emailForwarding",
            ));
        }
    }
    values(&mut info)?;
    Ok(Some(info))
}

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

    #[test]
    fn channel_info_reads_objects_strings_and_seed_spellings() {
        let want = map(json!({"type": "imap", "businessEmail": "a@example.com",
                              "serverInfo": {"incomingServer": "imap.example.com"}}));
        let object = json!({"Type": "IMAP", "email": "a@example.com",
                            "IMAPServer": {"incomingServer": "imap.example.com"}});
        assert_eq!(channel_info(Some(&object)).unwrap(), Some(want.clone()));
        let text = Value::String(object.to_string());
        assert_eq!(channel_info(Some(&text)).unwrap(), Some(want));
        assert_eq!(channel_info(Some(&json!(""))).unwrap(), None);
        assert_eq!(channel_info(None).unwrap(), None);
        for bad in [
            json!("{not json"),
            json!({"Type": 0}),
            json!({"UserName": "x"}),
        ] {
            assert!(channel_info(Some(&bad)).is_err(), "{bad}");
        }
    }
}
