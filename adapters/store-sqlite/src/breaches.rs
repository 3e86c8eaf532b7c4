//! SLA breaches (SPEC §5.6): each breach recorded once, and the due instants the breach
//! worker waits for. A conversation's pending due rows are rewritten with every save from its
//! snapshot's `…BreachAt`, leaving out targets already recorded as breached, so the worker
//! only ever reads what has come due and a recorded breach is never picked up again.

use crate::error::StoreResult;
use crate::time;
use crate::TxView;
use anytime_core::model::{Conversation, ConversationId, SiteId};
use anytime_core::sla::{Breach, SlaTarget};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

/// A pending due instant that has come (the worker rechecks that conversation).
#[derive(Debug, Clone, PartialEq)]
pub struct DueBreach {
    pub id: i64,
    pub site: SiteId,
    pub conversation: ConversationId,
}

/// A recorded breach of one conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedBreach {
    pub conversation: ConversationId,
    pub breach: Breach,
}

pub(crate) fn target_text(t: SlaTarget) -> &'static str {
    match t {
        SlaTarget::FirstResponse => "firstResponse",
        SlaTarget::NextResponse => "nextResponse",
        SlaTarget::Resolution => "resolution",
    }
}

fn target_of(text: &str) -> Option<SlaTarget> {
    [
        SlaTarget::FirstResponse,
        SlaTarget::NextResponse,
        SlaTarget::Resolution,
    ]
    .into_iter()
    .find(|t| target_text(*t) == text)
}

/// First response and resolution breach once per conversation; next response once per run
/// (a run is told apart by its due instant).
fn run_key(breach: &Breach) -> String {
    match breach.target {
        SlaTarget::NextResponse => time::to_text(breach.breached_at),
        SlaTarget::FirstResponse | SlaTarget::Resolution => String::new(),
    }
}

fn is_recorded(
    tx: &Transaction<'_>,
    site: &str,
    id: ConversationId,
    b: &Breach,
) -> StoreResult<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM sla_breaches
             WHERE site_id = ?1 AND conversation_id = ?2 AND target = ?3 AND run_key = ?4",
        )?
        .query_row((site, id.0, target_text(b.target), run_key(b)), |_| Ok(()))
        .optional()?
        .is_some())
}

/// Records breaches (a breach already recorded is kept as it was).
pub(crate) fn record(
    tx: &Transaction<'_>,
    site: &str,
    id: ConversationId,
    breaches: &[Breach],
) -> StoreResult<()> {
    let now = time::now_text();
    for b in breaches {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO sla_breaches
                 (site_id, conversation_id, target, breached_at, run_key, recorded_time)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute((
            site,
            id.0,
            target_text(b.target),
            time::to_text(b.breached_at),
            run_key(b),
            &now,
        ))?;
    }
    Ok(())
}

/// Rewrites the conversation's pending due instants from its snapshot.
pub(crate) fn sync_due(tx: &Transaction<'_>, site: &str, c: &Conversation) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM sla_due WHERE site_id = ?1 AND conversation_id = ?2")?
        .execute((site, c.id.0))?;
    if c.is_deleted {
        return Ok(());
    }
    let shown = [
        (SlaTarget::FirstResponse, c.first_respond_breach_at),
        (SlaTarget::NextResponse, c.next_respond_breach_at),
        (SlaTarget::Resolution, c.resolve_breach_at),
    ];
    for (target, due) in shown {
        let Some(due) = due else { continue };
        let breach = Breach {
            target,
            breached_at: due,
        };
        if is_recorded(tx, site, c.id, &breach)? {
            continue;
        }
        tx.prepare_cached(
            "INSERT INTO sla_due (site_id, conversation_id, target, due_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute((site, c.id.0, target_text(target), time::to_text(due)))?;
    }
    Ok(())
}

impl TxView<'_> {
    /// Deletes a due row; false when it is gone (the conversation was saved meanwhile and
    /// its due instants rewritten), so two rounds never handle the same row.
    pub fn take_due(&self, id: i64) -> StoreResult<bool> {
        let n = self
            .tx
            .prepare_cached("DELETE FROM sla_due WHERE id = ?1 AND site_id = ?2")?
            .execute((id, &self.site))?;
        Ok(n > 0)
    }

    /// Which of `breaches` are not recorded yet (the ones to fire `slaBreached` for).
    pub fn unrecorded_breaches(
        &self,
        id: ConversationId,
        breaches: &[Breach],
    ) -> StoreResult<Vec<Breach>> {
        let mut out: Vec<Breach> = Vec::new();
        for b in breaches {
            let key = run_key(b);
            let repeated = out
                .iter()
                .any(|o| o.target == b.target && run_key(o) == key);
            if !repeated && !is_recorded(self.tx, &self.site, id, b)? {
                out.push(*b);
            }
        }
        Ok(out)
    }
}

impl crate::Conversations<'_> {
    /// Due rows whose instant has come, across all sites, soonest first, at most `limit`.
    pub async fn due_breaches(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<DueBreach>> {
        let now = time::to_text(now);
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT id, site_id, conversation_id FROM sla_due
                     WHERE due_at <= ?1 ORDER BY due_at, id LIMIT ?2",
                )?;
                let rows = stmt
                    .query_map((&now, limit), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, i64>(2)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(id, site, c)| {
                        Some(DueBreach {
                            id,
                            site: SiteId(Uuid::parse_str(&site).ok()?),
                            conversation: ConversationId(c),
                        })
                    })
                    .collect())
            })
            .await
    }

    /// Deletes a due row outside a change (its conversation is gone).
    pub async fn drop_due(&self, id: i64) -> StoreResult<()> {
        self.store
            .db
            .write(move |tx| {
                tx.execute("DELETE FROM sla_due WHERE id = ?1", [id])?;
                Ok(())
            })
            .await
    }

    /// The site's recorded breaches with `breached_at` in `[from, to)` (all when `None`),
    /// oldest first.
    pub async fn breaches(
        &self,
        site: SiteId,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<RecordedBreach>> {
        let site = site.to_string();
        let from = from.map(time::to_text).unwrap_or_default();
        let to = to.map_or_else(|| "9999".to_string(), time::to_text);
        self.store
            .db
            .read(move |conn| {
                let mut stmt = conn.prepare_cached(
                    "SELECT conversation_id, target, breached_at FROM sla_breaches
                     WHERE site_id = ?1 AND breached_at >= ?2 AND breached_at < ?3
                     ORDER BY breached_at, conversation_id, target",
                )?;
                let rows = stmt
                    .query_map((&site, &from, &to), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            crate::sql::time_at(r, 2)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(c, t, at)| {
                        Some(RecordedBreach {
                            conversation: ConversationId(c),
                            breach: Breach {
                                target: target_of(&t)?,
                                breached_at: at,
                            },
                        })
                    })
                    .collect())
            })
            .await
    }
}
