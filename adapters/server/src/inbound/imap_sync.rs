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
//! deleted account starts, restarts or stops its task (at a safe point: see `Tasks`).

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
use tokio::sync::watch;
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
    /// Dropping it asks the task to stop at its next safe point.
    stop: watch::Sender<()>,
    task: JoinHandle<()>,
}

/// Keeps one task per enabled IMAP account until the server stops.
pub async fn run(app: AppState) {
    let every = Duration::from_millis(app.config.worker_interval_ms.clamp(10, 1_000));
    let mut tasks = Tasks::default();
    loop {
        match wanted(&app).await {
            Ok(accounts) => tasks.reconcile(&app, accounts),
            Err(e) => tracing::warn!(error = %e, "cannot read the IMAP accounts"),
        }
        tokio::time::sleep(every).await;
    }
}

/// The enabled IMAP accounts of every site, keyed by site and account id.
async fn wanted(app: &AppState) -> Result<BTreeMap<Key, Value>, String> {
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

type Key = (SiteId, String);

/// The running tasks, and those asked to stop that have not finished yet.
#[derive(Default)]
struct Tasks {
    running: BTreeMap<Key, Running>,
    stopping: Vec<(Key, JoinHandle<()>)>,
}

impl Tasks {
    /// A task whose account changed, was disabled or deleted is asked to stop; it finishes the
    /// batch in hand (a message committed is then also deleted and its position recorded), and
    /// only then does the account's new task start, so two never read one mailbox.
    fn reconcile(&mut self, app: &AppState, wanted: BTreeMap<Key, Value>) {
        let running = std::mem::take(&mut self.running);
        for (key, r) in running {
            if !r.task.is_finished() && wanted.get(&key) == Some(&r.config) {
                self.running.insert(key, r);
            } else {
                drop(r.stop);
                self.stopping.push((key, r.task));
            }
        }
        self.stopping.retain(|(_, task)| !task.is_finished());
        for (key, config) in wanted {
            if self.running.contains_key(&key) || self.stopping.iter().any(|(k, _)| *k == key) {
                continue;
            }
            tracing::info!(site = %key.0, account = %key.1, "IMAP ingestion starts");
            let (stop, stopped) = watch::channel(());
            let task = tokio::spawn(account_task(app.clone(), key.0, config.clone(), stopped));
            self.running.insert(key, Running { config, stop, task });
        }
    }
}

/// Resolves once the supervisor has asked the task to stop.
async fn stop_asked(stopped: &mut watch::Receiver<()>) {
    while stopped.changed().await.is_ok() {}
}

/// What a task last wrote on its account, so that it writes only changes.
#[derive(Default)]
struct Shown {
    status: Option<Result<(), String>>,
}

async fn account_task(
    app: AppState,
    site: SiteId,
    account: Value,
    mut stopped: watch::Receiver<()>,
) {
    let id = account["id"].as_str().unwrap_or_default().to_string();
    let mut shown = Shown::default();
    let mut backoff = FIRST_BACKOFF;
    loop {
        let read = read_until_stopped(&app, site, &account, &mut shown, &mut backoff, &mut stopped);
        let Err(err) = read.await else {
            return;
        };
        tracing::warn!(site = %site, account = %id, error = %err, retry_in = ?backoff, "IMAP ingestion");
        show(&app, site, &id, &mut shown, Err(err), false).await;
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = stop_asked(&mut stopped) => return,
        }
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

/// Reads the mailbox until stopped (`Ok`) or failed. Stopping is honoured only while
/// connecting or waiting for news, never between a commit and its position or deletion.
async fn read_until_stopped(
    app: &AppState,
    site: SiteId,
    account: &Value,
    shown: &mut Shown,
    backoff: &mut Duration,
    stopped: &mut watch::Receiver<()>,
) -> Result<(), String> {
    let id = account["id"].as_str().unwrap_or_default().to_string();
    let key = secrets::key(&app.config.data_dir).map_err(|e| e.to_string())?;
    let login = servers::imap(account, &key, app.config.mail_insecure_tls)?;
    let mut mailbox = tokio::select! {
        opened = Mailbox::open(&login) => opened?,
        () = stop_asked(stopped) => return Ok(()),
    };
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
            if !stored.is_empty() && deletes(app, site, &id).await? {
                mailbox.delete(&stored).await?;
            }
            if received {
                show(app, site, &id, shown, Ok(()), true).await;
            }
            if let Some(e) = failure {
                return Err(e);
            }
        }
        let (next, woke) = tokio::select! {
            waited = mailbox.wait(poll) => waited?,
            () = stop_asked(stopped) => return Ok(()),
        };
        mailbox = next;
        if woke == Woke::News {
            tracing::debug!(site = %site, account = %id, "IMAP news");
        }
    }
}

/// Whether the account deletes what it took, read now rather than from the task's start: an
/// admin who just turned `deleteFromServer` on expects the next message gone even when this
/// task takes it in the moment before the supervisor restarts it with the new configuration.
async fn deletes(app: &AppState, site: SiteId, id: &str) -> Result<bool, String> {
    let accounts = accounts::stored(app, site)
        .await
        .map_err(|e| e.to_string())?;
    Ok(accounts
        .iter()
        .find(|a| a["id"].as_str() == Some(id))
        .and_then(|a| a["deleteFromServer"].as_bool())
        .unwrap_or(false))
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
