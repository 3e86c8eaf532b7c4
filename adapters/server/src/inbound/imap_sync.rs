//! IMAP ingestion (SPEC §5.9, issue 6): one task per enabled `imap` email account, across
//! sites. A task logs in, selects INBOX and reads every message above the stored position
//! (`store.mailboxes()`, UID + UIDVALIDITY) in batches through the same ingest service as the
//! raw ingress; the position advances only after the batch's messages are committed, and
//! `deleteFromServer` deletes only those. Then it waits for news — IDLE when the server offers
//! it, else the poll interval — and reads again.
//!
//! Exactly once: a message is stored in one transaction together with its Message-ID (or, for
//! a mail without one, a digest of its bytes — `anytime_mail::parse`), so the few messages a
//! crash between commit and position re-reads are dropped as duplicates.
//!
//! Failures never reach the server: a task that cannot connect, or loses its connection,
//! shows `status: failed` with the server's words in `lastError` and retries with exponential
//! backoff (1 s doubling to 5 min); a good login shows `succeeded` again. The supervisor
//! reconciles tasks with the stored accounts every worker interval: a new, changed, disabled or
//! deleted account starts, restarts or stops its task.

use super::accounts::{self, EMAIL_ACCOUNTS};
use super::ingest::{Ingested, Receiving};
use super::{raw, secrets, servers};
use crate::app::AppState;
use crate::http::ApiError;
use anytime_core::model::SiteId;
use anytime_mail::imap::{Fetched, Mailbox, Woke};
use anytime_store::MailboxPosition;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Messages fetched per round trip: bounds memory (at most this many bodies at once, each up
/// to 25 MB) without paying a round trip per message.
const BATCH: usize = 50;
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Account keys the worker itself writes: a change there is not a new configuration.
const REPORTED: &[&str] = &["status", "lastError", "lastReceivedTime", "updatedTime"];

struct Running {
    /// The account as the task was started with (minus what the task reports).
    config: Value,
    task: JoinHandle<()>,
}

/// Keeps one task per enabled IMAP account until the server stops.
pub async fn run(app: AppState) {
    let every = Duration::from_millis(app.config.worker_interval_ms.clamp(10, 1_000));
    let mut running: BTreeMap<(SiteId, String), Running> = BTreeMap::new();
    loop {
        match wanted(&app).await {
            Ok(accounts) => reconcile(&app, &mut running, accounts),
            Err(e) => tracing::warn!(error = %e, "cannot read the IMAP accounts"),
        }
        tokio::time::sleep(every).await;
    }
}

/// The enabled IMAP accounts of every site, keyed by site and account id.
async fn wanted(app: &AppState) -> Result<BTreeMap<(SiteId, String), Value>, String> {
    let docs = app
        .store
        .documents()
        .everywhere(EMAIL_ACCOUNTS)
        .await
        .map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for (site, doc) in docs {
        for mut account in accounts::decode(Some(doc)).accounts {
            let imap = account["type"].as_str() == Some("imap");
            let enabled = account["enable"].as_bool().unwrap_or(true);
            let Some(id) = account["id"].as_str().map(str::to_string) else {
                continue;
            };
            if imap && enabled {
                if let Some(map) = account.as_object_mut() {
                    for k in REPORTED {
                        map.remove(*k);
                    }
                }
                out.insert((site, id), account);
            }
        }
    }
    Ok(out)
}

fn reconcile(
    app: &AppState,
    running: &mut BTreeMap<(SiteId, String), Running>,
    mut wanted: BTreeMap<(SiteId, String), Value>,
) {
    running.retain(|key, r| {
        let keep = !r.task.is_finished() && wanted.get(key) == Some(&r.config);
        if !keep {
            // Safe at any await point: a message is committed whole or not at all, and the
            // position never runs ahead of what is committed.
            r.task.abort();
        }
        keep
    });
    for (key, config) in std::mem::take(&mut wanted) {
        if running.contains_key(&key) {
            continue;
        }
        tracing::info!(site = %key.0, account = %key.1, "IMAP ingestion starts");
        let task = tokio::spawn(account_task(app.clone(), key.0, config.clone()));
        running.insert(key, Running { config, task });
    }
}

/// What a task last wrote on its account, so that it writes only changes.
#[derive(Default)]
struct Shown {
    status: Option<Result<(), String>>,
}

async fn account_task(app: AppState, site: SiteId, account: Value) {
    let id = account["id"].as_str().unwrap_or_default().to_string();
    let mut shown = Shown::default();
    let mut backoff = FIRST_BACKOFF;
    loop {
        let err = session(&app, site, &account, &mut shown, &mut backoff).await;
        tracing::warn!(site = %site, account = %id, error = %err, retry_in = ?backoff, "IMAP ingestion");
        show(&app, site, &id, &mut shown, Err(err), false).await;
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Writes the account's status when it changed (and `lastReceivedTime` when `received`).
async fn show(
    app: &AppState,
    site: SiteId,
    id: &str,
    shown: &mut Shown,
    status: Result<(), String>,
    received: bool,
) {
    if shown.status.as_ref() == Some(&status) && !received {
        return;
    }
    match accounts::report(app, site, id, status.clone(), received).await {
        Ok(()) => shown.status = Some(status),
        Err(e) => {
            tracing::warn!(site = %site, account = %id, error = %e, "cannot record the IMAP status")
        }
    }
}

/// One connection's life: returns why it ended.
async fn session(
    app: &AppState,
    site: SiteId,
    account: &Value,
    shown: &mut Shown,
    backoff: &mut Duration,
) -> String {
    match read_until_failure(app, site, account, shown, backoff).await {
        Ok(never) => match never {},
        Err(e) => e,
    }
}

enum Never {}

async fn read_until_failure(
    app: &AppState,
    site: SiteId,
    account: &Value,
    shown: &mut Shown,
    backoff: &mut Duration,
) -> Result<Never, String> {
    let id = account["id"].as_str().unwrap_or_default().to_string();
    let key = secrets::key(&app.config.data_dir).map_err(|e| e.to_string())?;
    let login = servers::imap(account, &key, app.config.mail_insecure_tls)?;
    let mut mailbox = Mailbox::open(&login).await?;
    if !app.config.imap_idle {
        mailbox = mailbox.without_idle();
    }
    let selected = mailbox.select_inbox().await?;
    show(app, site, &id, shown, Ok(()), false).await;
    *backoff = FIRST_BACKOFF;
    let stored = app
        .store
        .mailboxes()
        .position(site, &id)
        .await
        .map_err(|e| e.to_string())?;
    let mut position = match stored {
        Some(p) if p.uid_validity == selected.uid_validity => p,
        // New account, or the server renumbered the mailbox: read it all again.
        _ => MailboxPosition {
            uid_validity: selected.uid_validity,
            last_uid: 0,
        },
    };
    let via = Receiving::email(Some(account), None);
    let delete = account["deleteFromServer"].as_bool().unwrap_or(false);
    let poll = Duration::from_millis(app.config.imap_poll_ms.max(10));
    loop {
        let uids = mailbox.uids_after(position.last_uid).await?;
        for batch in uids.chunks(BATCH) {
            let fetched = mailbox.fetch(batch).await?;
            let mut stored = Vec::with_capacity(fetched.len());
            let mut received = false;
            let mut failure = None;
            let mut done = None;
            for message in fetched {
                let uid = message.uid();
                match take(app, site, &via, &id, message).await {
                    Ok(taken) => {
                        received |= taken == Taken::Conversation;
                        if taken != Taken::Left {
                            stored.push(uid);
                        }
                        done = Some(uid);
                    }
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
            // Up to the first message that could not be stored now (the whole batch when none
            // failed, including UIDs expunged meanwhile).
            if failure.is_none() {
                done = batch.last().copied();
            }
            if let Some(last_uid) = done {
                position.last_uid = position.last_uid.max(last_uid);
                app.store
                    .mailboxes()
                    .advance(site, &id, position)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            if delete {
                mailbox.delete(&stored).await?;
            }
            if received {
                show(app, site, &id, shown, Ok(()), true).await;
            }
            if let Some(e) = failure {
                return Err(e);
            }
        }
        let (next, woke) = mailbox.wait(poll).await?;
        mailbox = next;
        if woke == Woke::News {
            tracing::debug!(site = %site, account = %id, "IMAP news");
        }
    }
}

/// What became of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    /// It made or extended a conversation.
    Conversation,
    /// Settled otherwise: a duplicate, junk, a rejected sender, a loop.
    Settled,
    /// Not taken for good (unreadable, too large, refused): skipped, but never deleted from
    /// the server, so nothing is lost.
    Left,
}

/// Stores one message; `Err` when the store cannot take it now, so it is read again later.
async fn take(
    app: &AppState,
    site: SiteId,
    via: &Receiving,
    account: &str,
    message: Fetched,
) -> Result<Taken, String> {
    let (uid, raw) = match message {
        Fetched::Message { uid, raw } => (uid, raw),
        Fetched::TooLarge { uid, size } => {
            tracing::warn!(site = %site, account, uid, size, "IMAP message over 25 MB left on the server");
            return Ok(Taken::Left);
        }
    };
    let mail = match anytime_mail::parse(&raw) {
        Ok(mail) => mail,
        Err(e) => {
            tracing::warn!(site = %site, account, uid, error = %e, "unreadable IMAP message left on the server");
            return Ok(Taken::Left);
        }
    };
    match raw::ingest_parsed(app, site, via, mail).await {
        Ok(Ingested::Created { .. } | Ingested::Appended { .. }) => Ok(Taken::Conversation),
        Ok(_) => Ok(Taken::Settled),
        Err(e @ (ApiError::Internal(_) | ApiError::Unavailable(_))) => Err(e.to_string()),
        Err(e) => {
            tracing::warn!(site = %site, account, uid, error = %e, "IMAP message refused, left on the server");
            Ok(Taken::Left)
        }
    }
}
