//! `POST /api/v3/anytime/channelAccounts/{id}/inbound` (SPEC §4.11, §5.9): a channel
//! integration hands over one normalized message, which runs the inbound ingest service
//! ([`super::ingest`]) as the receiving channel account: dedup by `externalMessageId`, loop
//! guard and block checks, the contact found or created (by email address for the `Email`
//! app, else by `externalIds[appId]`), and for a new conversation the account's bot draw
//! before routing, allocation, triggers and SLA.

use super::channels::{self, CHANNEL_KEY};
use super::ingest::{self, Incoming, Ingested, Receiving};
use crate::app::AppState;
use crate::auth::Admin;
use crate::http::{ApiError, ApiJson, ApiPath, ApiResult, Checks};
use anytime_core::inbound::{BotShare, InboundMessage};
use anytime_core::model::Channel;
use anytime_core::routing::AccountAssignment;
use anytime_store::SenderKey;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Longest text taken into a derived subject.
const SUBJECT_CHARS: usize = 80;
const MAX_TEXT: usize = 512 * 1024;

/// A message as a channel integration normalizes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelMessage {
    /// The sender in the channel (for the `Email` app: the sender's email address).
    original_sender_id: String,
    #[serde(default)]
    sender_name: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    html: Option<String>,
    /// The channel's id of the message: a second delivery of it is dropped.
    external_message_id: String,
    /// When it was sent (default: now).
    #[serde(default)]
    time: Option<DateTime<Utc>>,
}

/// Channels carry no subject: the first line of the text, shortened, stands in for it.
fn subject_of(text: &str, sender: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    match line {
        Some(l) if l.chars().count() > SUBJECT_CHARS => {
            let cut: String = l.chars().take(SUBJECT_CHARS - 1).collect();
            format!("{}…", cut.trim_end())
        }
        Some(l) => l.to_string(),
        None => format!("Message from {sender}"),
    }
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn percent(v: &Value, key: &str) -> u8 {
    v.get(key)
        .and_then(Value::as_u64)
        .and_then(|p| u8::try_from(p.min(100)).ok())
        .unwrap_or(0)
}

/// The account's bot share, when its bot is on.
fn bot(settings: &Value) -> Option<BotShare> {
    flag(settings, "isBotEnabled").then(|| BotShare {
        percentage: percent(settings, "percentageToBotWhenOnline"),
        offline_percentage: percent(settings, "percentageToBotWhenOffline"),
    })
}

/// How the stored account receives: an email account record, or another app's record.
fn receiving(email: Option<&Value>, other: Option<&Value>) -> ApiResult<Receiving> {
    if let Some(record) = email {
        if record.get("enable").and_then(Value::as_bool) == Some(false) {
            return Err(ApiError::Conflict("the channel account is disabled".into()));
        }
        let mut via = Receiving::email(Some(record), None);
        via.bot = record.get(CHANNEL_KEY).and_then(bot);
        return Ok(via);
    }
    let record = other.ok_or_else(|| ApiError::NotFound("channel account not found".into()))?;
    if !flag(record, "isEnabled") {
        return Err(ApiError::Conflict("the channel account is disabled".into()));
    }
    let app_id = record
        .get("appId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let channel = channels::channel_of(&app_id).unwrap_or(Channel::Api);
    Ok(Receiving {
        channel,
        account_id: record.get("id").and_then(Value::as_str).map(str::to_string),
        account_number: None,
        address: record
            .get("originalAccountId")
            .and_then(Value::as_str)
            .map(str::to_string),
        sender_key: SenderKey::App(app_id),
        source: channel.as_str().to_string(),
        assignment: AccountAssignment::default(),
        bot: bot(record),
    })
}

/// What happened, with 201 when a conversation was created.
fn answer(out: &Ingested) -> Response {
    let mut body = json!({
        "result": out.kind(),
        "conversationId": out.conversation_id(),
    });
    match out {
        Ingested::Created {
            message_id,
            conversation,
            ..
        } => {
            body["messageId"] = json!(message_id);
            body["agentAssigneeId"] = json!(conversation.agent_assignee_id);
        }
        Ingested::Appended { message_id, .. } => body["messageId"] = json!(message_id),
        Ingested::Junk { junk_id } => body["junkEmailId"] = json!(junk_id),
        _ => {}
    }
    let status = if matches!(out, Ingested::Created { .. }) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}

/// Hand a channel's message to the inbound pipeline. Admins only.
#[utoipa::path(post, path = "/api/v3/anytime/channelAccounts/{id}/inbound", tag = "channelAccounts",
    request_body = ChannelMessage, params(("id" = Uuid, Path, description = "Channel account id")),
    responses((status = 201, description = "A new conversation: `{result:\"created\", conversationId, messageId, agentAssigneeId}`"),
              (status = 200, description = "`{result}`: appended, duplicate, loop, junk or rejected")))]
async fn inbound(
    Admin(caller): Admin,
    State(app): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ChannelMessage>,
) -> ApiResult<Response> {
    let site = caller.site_id;
    let stored = channels::stored(&app, site).await?;
    let sid = id.to_string();
    let is = |v: &&Value| v.get("id").and_then(Value::as_str) == Some(sid.as_str());
    let email = stored.emails.iter().find(is);
    let other = stored.others.iter().find(is);
    let via = receiving(email, other)?;

    let mut c = Checks::new();
    let sender = req.original_sender_id.trim().to_string();
    if via.sender_key == SenderKey::Email {
        c.email("originalSenderId", &sender);
    } else {
        c.text("originalSenderId", &sender, 255);
    }
    c.text("externalMessageId", req.external_message_id.trim(), 998);
    let text = req.text.clone().unwrap_or_default();
    let html = req.html.clone().unwrap_or_default();
    if text.trim().is_empty() && html.trim().is_empty() {
        c.add("text", "give text or html");
    }
    if text.len() > MAX_TEXT || html.len() > MAX_TEXT {
        c.add("text", format!("at most {MAX_TEXT} bytes"));
    }
    c.finish()?;
    let name = req
        .sender_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| sender.clone());
    let plain = req.text.clone().filter(|t| !t.trim().is_empty());
    let subject = subject_of(
        plain
            .as_deref()
            .map(str::to_string)
            .unwrap_or_else(|| anytime_core::conversation::to_plain_text(&html))
            .as_str(),
        &name,
    );
    let incoming = Incoming {
        message: InboundMessage {
            external_message_id: Some(req.external_message_id.trim().to_string()),
            from: sender,
            subject,
            date: req.time,
            text: plain,
            html: req.html.filter(|h| !h.trim().is_empty()),
            ..Default::default()
        },
        sender_name: Some(name),
        attachments: Vec::new(),
        files: Vec::new(),
        restore_junk: None,
    };
    let out = ingest::ingest(&app, site, &via, incoming).await?;
    Ok(answer(&out))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_come_from_the_first_line() {
        assert_eq!(subject_of("\n  Hello there \nmore", "Ann"), "Hello there");
        assert_eq!(subject_of("   ", "Ann"), "Message from Ann");
        let long = "x".repeat(200);
        let s = subject_of(&long, "Ann");
        assert_eq!(s.chars().count(), SUBJECT_CHARS);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn bot_share_only_when_enabled() {
        let on = json!({"isBotEnabled": true, "percentageToBotWhenOnline": 30, "percentageToBotWhenOffline": 250});
        assert_eq!(
            bot(&on),
            Some(BotShare {
                percentage: 30,
                offline_percentage: 100
            })
        );
        assert_eq!(bot(&json!({"isBotEnabled": false})), None);
    }
}
