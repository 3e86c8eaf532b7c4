//! The outbox worker (SPEC §5.9): delivers due emails over SMTP — From the conversation's
//! receiving account (else the default one), the threading headers and `Re: … [#id]`
//! subject from the core for agent replies, the site's layout template — and records the
//! outcome: sent (its Message-ID then threads the contact's answer), retried later on 4xx
//! and connection errors, failed on 5xx or after the last attempt.

use super::{accounts, secrets, servers, settings};
use crate::app::AppState;
use anytime_core::inbound::{reply_headers, ReplyInput};
use anytime_core::model::{AgentId, ContactId, MessageId};
use anytime_mail::smtp::{SendError, SmtpPool};
use anytime_mail::{compose, Outgoing, Party};
use anytime_store::DueEmail;
use serde_json::Value;
use std::time::Duration;
use uuid::Uuid;

/// Emails tried per round.
const BATCH: u32 = 100;
/// Deliveries in flight at once.
const PARALLEL: usize = 8;

/// Delivers due emails every worker interval, forever; errors are logged.
pub async fn run(app: AppState) {
    let pool = std::sync::Arc::new(SmtpPool::default());
    let every = Duration::from_millis(app.config.worker_interval_ms.max(10));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        loop {
            match deliver_due(&app, &pool).await {
                Ok(n) if n >= BATCH as usize => continue,
                Ok(0) => {}
                Ok(n) => tracing::info!(delivered = n, "outbox round"),
                Err(e) => tracing::warn!(error = %e, "outbox round failed"),
            }
            break;
        }
    }
}

/// Tries every due email once; returns how many were tried.
pub async fn deliver_due(app: &AppState, pool: &std::sync::Arc<SmtpPool>) -> Result<usize, String> {
    let due = app
        .store
        .outbox()
        .due(anytime_store::now(), BATCH)
        .await
        .map_err(|e| e.to_string())?;
    let n = due.len();
    let mut set = tokio::task::JoinSet::new();
    for email in due {
        while set.len() >= PARALLEL {
            set.join_next().await;
        }
        let app = app.clone();
        let pool = std::sync::Arc::clone(pool);
        set.spawn(async move {
            let id = email.id;
            if let Err(e) = deliver(&app, &pool, email).await {
                tracing::warn!(outbox = id, error = %e, "delivery not recorded");
            }
        });
    }
    while set.join_next().await.is_some() {}
    Ok(n)
}

/// Why an email could not even be built: permanent.
struct Unsendable(String);

async fn deliver(app: &AppState, pool: &SmtpPool, email: DueEmail) -> Result<(), String> {
    let outbox = app.store.outbox();
    let prepared = match prepare(app, &email).await {
        Ok(p) => p,
        Err(Unsendable(reason)) => {
            outbox
                .failed(email.id, reason, true, anytime_store::now())
                .await
                .map_err(|e| e.to_string())?;
            return Ok(());
        }
    };
    let (settings, outgoing) = prepared;
    let message = match compose(&outgoing) {
        Ok(m) => m,
        Err(e) => {
            outbox
                .failed(email.id, e.to_string(), true, anytime_store::now())
                .await
                .map_err(|e| e.to_string())?;
            return Ok(());
        }
    };
    let result = pool.send(&settings, &message).await;
    match result {
        Ok(()) => outbox.sent(email.id, outgoing.message_id).await,
        Err(SendError::Permanent(e)) => outbox
            .failed(email.id, e, true, anytime_store::now())
            .await
            .map(|_| ()),
        Err(SendError::Transient(e)) => {
            pool.forget(&settings);
            outbox
                .failed(email.id, e, false, anytime_store::now())
                .await
                .map(|_| ())
        }
    }
    .map_err(|e| e.to_string())
}

fn uuid_in(v: &Value, k: &str) -> Option<Uuid> {
    v.get(k)
        .and_then(Value::as_str)
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// The recipient's name and address.
async fn recipient(app: &AppState, email: &DueEmail) -> Result<Party, Unsendable> {
    let r = &email.recipient;
    if let Some(address) = r.get("email").and_then(Value::as_str) {
        return Ok(Party::new(None, address));
    }
    let site = email.site;
    match r.get("kind").and_then(Value::as_str) {
        Some("contact") => {
            let id =
                uuid_in(r, "contactId").ok_or(Unsendable("the recipient has no contact".into()))?;
            let c = app
                .store
                .contacts()
                .get(site, ContactId(id))
                .await
                .map_err(|e| Unsendable(format!("contact: {e}")))?;
            let address = c
                .email
                .ok_or(Unsendable("the contact has no email address".into()))?;
            Ok(Party::new(Some(&c.name), &address))
        }
        Some("agent") => {
            let id =
                uuid_in(r, "agentId").ok_or(Unsendable("the recipient has no agent".into()))?;
            let a = app
                .store
                .agents()
                .get(site, AgentId(id))
                .await
                .map_err(|e| Unsendable(format!("agent: {e}")))?;
            Ok(Party::new(Some(&a.name), &a.email))
        }
        _ => Err(Unsendable(format!("unknown recipient {r}"))),
    }
}

/// The SMTP server and the message for one outbox row.
async fn prepare(
    app: &AppState,
    email: &DueEmail,
) -> Result<(anytime_mail::smtp::SmtpSettings, Outgoing), Unsendable> {
    let fail = |e: crate::http::ApiError| Unsendable(format!("{e:?}"));
    let site = email.site;
    let conversation = app
        .store
        .conversations()
        .get(site, email.conversation_id)
        .await
        .map_err(|e| Unsendable(format!("conversation: {e}")))?;
    let to = recipient(app, email).await?;
    let all = accounts::stored(app, site).await.map_err(fail)?;
    let enabled = |a: &&Value| a["enable"].as_bool() != Some(false);
    let received = conversation.received_from.as_deref().unwrap_or_default();
    let account = all
        .iter()
        .filter(enabled)
        .find(|a| {
            a["businessEmail"]
                .as_str()
                .is_some_and(|b| b.eq_ignore_ascii_case(received))
        })
        .or_else(|| {
            all.iter()
                .filter(enabled)
                .find(|a| a["isDefault"].as_bool() == Some(true))
        });
    let stored = settings::load(app, site).await.map_err(fail)?;
    let key = secrets::key(&app.config.data_dir).map_err(fail)?;
    let relay = app.config.smtp_relay.as_deref();
    let insecure = app.config.mail_insecure_tls;
    let (smtp, from) = match account {
        Some(a) => (
            servers::smtp(a, &key, relay, insecure).map_err(Unsendable)?,
            Party::new(
                a["displayName"].as_str().or(stored.sender_name()),
                a["businessEmail"].as_str().unwrap_or_default(),
            ),
        ),
        None => {
            let hosted = stored
                .own_addresses(&app.config.inbound_domain)
                .pop()
                .unwrap_or_default();
            let forwarding = serde_json::json!({"type": "emailForwarding", "serverInfo": {}});
            (
                servers::smtp(&forwarding, &key, relay, insecure).map_err(Unsendable)?,
                Party::new(stored.sender_name(), &hosted),
            )
        }
    };
    let domain = from
        .address
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| app.config.inbound_domain.clone());
    let mut outgoing = Outgoing {
        from: Some(from),
        to: vec![to],
        subject: email.subject.clone(),
        html_body: email.html_text.clone(),
        plain_body: email.plain_text.clone(),
        layout: stored.layout(),
        ..Outgoing::default()
    };
    match email.message {
        Some(message) => {
            // An agent's reply: threads into the contact's last email.
            let thread = app
                .store
                .outbox()
                .thread_headers(site, email.conversation_id)
                .await
                .map_err(|e| Unsendable(e.to_string()))?;
            let h = reply_headers(&ReplyInput {
                site_id: site,
                conversation_id: conversation.id,
                message_id: message,
                domain,
                subject: conversation.subject.clone(),
                last_contact_message_id: thread.last_message_id,
                previous_references: thread.references,
            })
            .map_err(|e| Unsendable(e.to_string()))?;
            outgoing.subject = h.subject.clone();
            outgoing.message_id = Some(h.message_id.clone());
            outgoing.in_reply_to = h.in_reply_to.clone();
            outgoing.references = h.references;
        }
        None => {
            // A trigger email: automatic, with its own id (outbox row numbers are global).
            let h = reply_headers(&ReplyInput {
                site_id: site,
                conversation_id: conversation.id,
                message_id: MessageId(-email.id),
                domain,
                subject: email.subject.clone(),
                last_contact_message_id: None,
                previous_references: Vec::new(),
            })
            .map_err(|e| Unsendable(e.to_string()))?;
            outgoing.message_id = Some(h.message_id);
            outgoing.auto_submitted = true;
        }
    }
    Ok((smtp, outgoing))
}
