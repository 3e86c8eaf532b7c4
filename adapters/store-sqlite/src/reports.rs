//! What the reports read (SPEC §4.13): the filtered conversations with their stored status
//! changes (from the SLA timeline) and their messages' kind, sender and time (metadata of the
//! stored messages; their text is never read). All in one read snapshot.

use crate::error::{StoreError, StoreResult};
use anytime_core::model::{
    AgentId, Channel, Conversation, DepartmentId, MessageType, SenderType, SiteId, Status,
    TimelineItem,
};
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Which conversations a report covers.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub department: Option<DepartmentId>,
    pub agent: Option<AgentId>,
    pub channel: Option<Channel>,
    /// Only open (not closed) conversations.
    pub open_only: bool,
    /// Only conversations created before `.1` and active since `.0`.
    pub active_in: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A stored message's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageMeta {
    pub time: DateTime<Utc>,
    pub message_type: MessageType,
    pub sender_type: SenderType,
    pub sender_id: Option<Uuid>,
}

/// One conversation with its events, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub conversation: Conversation,
    pub statuses: Vec<(DateTime<Utc>, Status)>,
    pub messages: Vec<MessageMeta>,
}

fn text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn unreadable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(format!("stored JSON is unreadable: {e}"))
}

impl crate::Conversations<'_> {
    /// The site's conversations `filter` admits (deleted ones never), by id, with events.
    pub async fn report_rows(
        &self,
        site: SiteId,
        filter: ReportFilter,
    ) -> StoreResult<Vec<ReportRow>> {
        let site = site.to_string();
        self.store
            .db
            .read(move |conn| {
                let mut cond = vec!["c.site_id = ?".to_string(), "c.is_deleted = 0".to_string()];
                let mut params: Vec<Value> = vec![Value::Text(site.clone())];
                if let Some(d) = filter.department {
                    cond.push("c.department_assignee_id = ?".into());
                    params.push(Value::Text(d.to_string()));
                }
                if let Some(a) = filter.agent {
                    cond.push("c.agent_assignee_id = ?".into());
                    params.push(Value::Text(a.to_string()));
                }
                if let Some(ch) = filter.channel {
                    cond.push("c.channel = ?".into());
                    params.push(Value::Text(ch.as_str().into()));
                }
                if filter.open_only {
                    cond.push("c.status <> 'closed'".into());
                }
                if let Some((from, to)) = filter.active_in {
                    cond.push("c.created_time < ? AND c.last_activity_time >= ?".into());
                    params.push(Value::Text(text(to)));
                    params.push(Value::Text(text(from)));
                }
                let filter_sql = cond.join(" AND ");
                let mut rows: BTreeMap<i64, ReportRow> = BTreeMap::new();
                let mut stmt = conn.prepare(&format!(
                    "SELECT c.id, c.snapshot FROM conversations c WHERE {filter_sql} ORDER BY c.id"
                ))?;
                let found = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                for (id, snapshot) in found {
                    let conversation: Conversation =
                        serde_json::from_str(&snapshot).map_err(unreadable)?;
                    rows.insert(
                        id,
                        ReportRow {
                            conversation,
                            statuses: Vec::new(),
                            messages: Vec::new(),
                        },
                    );
                }
                let mut stmt = conn.prepare(&format!(
                    "SELECT t.conversation_id, t.item FROM conversation_timeline t
                     JOIN conversations c ON c.site_id = t.site_id AND c.id = t.conversation_id
                     WHERE {filter_sql} AND json_extract(t.item, '$.kind') = 'statusChanged'
                     ORDER BY t.seq"
                ))?;
                let items = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                for (id, item) in items {
                    if let TimelineItem::StatusChanged { time, status } =
                        serde_json::from_str(&item).map_err(unreadable)?
                    {
                        if let Some(row) = rows.get_mut(&id) {
                            row.statuses.push((time, status));
                        }
                    }
                }
                let mut stmt = conn.prepare(&format!(
                    "SELECT m.conversation_id, m.time, json_extract(m.body, '$.type'),
                            json_extract(m.body, '$.senderType'), json_extract(m.body, '$.senderId')
                     FROM messages m
                     JOIN conversations c ON c.site_id = m.site_id AND c.id = m.conversation_id
                     WHERE {filter_sql} ORDER BY m.time, m.id"
                ))?;
                let metas = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            crate::sql::time_at(r, 1)?,
                            r.get::<_, Option<String>>(2)?,
                            r.get::<_, Option<String>>(3)?,
                            r.get::<_, Option<String>>(4)?,
                        ))
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                for (id, time, kind, sender, sender_id) in metas {
                    let (Some(message_type), Some(sender_type)) = (
                        kind.as_deref().and_then(MessageType::parse),
                        sender.as_deref().and_then(SenderType::parse),
                    ) else {
                        continue;
                    };
                    if let Some(row) = rows.get_mut(&id) {
                        row.messages.push(MessageMeta {
                            time,
                            message_type,
                            sender_type,
                            sender_id: sender_id.and_then(|s| Uuid::parse_str(&s).ok()),
                        });
                    }
                }
                Ok(rows.into_values().collect())
            })
            .await
    }
}
