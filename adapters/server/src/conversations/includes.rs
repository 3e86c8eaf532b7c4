//! `include=a,b` (seed 002 "Includes"): related objects embedded next to a conversation.
//! A name not offered by the endpoint is a 400 naming `include`.

use crate::app::AppState;
use crate::http::{ApiError, ApiResult};
use crate::people::agents::AgentView;
use crate::people::contacts::ContactView;
use crate::people::departments::DepartmentView;
use anytime_core::conversation::Message;
use anytime_core::model::{AgentId, ContactId, Conversation, SenderType, SiteId};
use serde_json::{Map, Value};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    AgentAssignee,
    DepartmentAssignee,
    Contact,
    CreatedBy,
    LastRepliedBy,
    Messages,
    Sender,
}

impl Include {
    fn parse(s: &str) -> Option<Include> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "agentassignee" => Include::AgentAssignee,
            "departmentassignee" => Include::DepartmentAssignee,
            "contact" => Include::Contact,
            "createdby" => Include::CreatedBy,
            "lastrepliedby" => Include::LastRepliedBy,
            "messages" => Include::Messages,
            "sender" => Include::Sender,
            _ => return None,
        })
    }
}

pub const CONVERSATION: &[Include] = &[
    Include::AgentAssignee,
    Include::DepartmentAssignee,
    Include::Contact,
    Include::CreatedBy,
    Include::LastRepliedBy,
    Include::Messages,
];
pub const LIST: &[Include] = &[
    Include::AgentAssignee,
    Include::DepartmentAssignee,
    Include::Contact,
    Include::CreatedBy,
    Include::LastRepliedBy,
];
pub const MESSAGES: &[Include] = &[Include::Sender];

pub fn parse(raw: Option<&str>, allowed: &[Include]) -> ApiResult<Vec<Include>> {
    let mut out = Vec::new();
    for name in raw
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
    {
        match Include::parse(name).filter(|i| allowed.contains(i)) {
            Some(i) if !out.contains(&i) => out.push(i),
            Some(_) => {}
            None => {
                return Err(ApiError::invalid(
                    "include",
                    format!("{:?} cannot be included here", name.trim()),
                ))
            }
        }
    }
    Ok(out)
}

fn to_value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

async fn agent(app: &AppState, site: SiteId, id: Uuid) -> Value {
    match app.store.agents().get(site, AgentId(id)).await {
        Ok(a) => to_value(AgentView::from(a)),
        Err(_) => Value::Null,
    }
}

async fn contact(app: &AppState, site: SiteId, id: Uuid) -> Value {
    match app.store.contacts().get(site, ContactId(id)).await {
        Ok(c) => to_value(ContactView::from(c)),
        Err(_) => Value::Null,
    }
}

async fn person(app: &AppState, site: SiteId, kind: Option<SenderType>, id: Option<Uuid>) -> Value {
    match (kind, id) {
        (Some(SenderType::Agent), Some(id)) => agent(app, site, id).await,
        (Some(SenderType::Contact), Some(id)) => contact(app, site, id).await,
        _ => Value::Null,
    }
}

/// A message as the API shows it, with `sender` when asked for.
pub async fn message(app: &AppState, site: SiteId, m: &Message, includes: &[Include]) -> Value {
    let mut v = to_value(m);
    if includes.contains(&Include::Sender) {
        let sender = person(app, site, Some(m.sender_type), m.sender_id).await;
        if let Value::Object(map) = &mut v {
            map.insert("sender".into(), sender);
        }
    }
    v
}

/// A conversation as the API shows it: the snapshot, per-caller fields, and includes.
pub async fn conversation(
    app: &AppState,
    site: SiteId,
    c: &Conversation,
    includes: &[Include],
    messages: Option<(&[Message], &super::details::Lookup)>,
) -> Value {
    let mut map = match to_value(c) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    map.insert("hasDraft".into(), Value::Bool(false));
    map.insert(
        "isEditable".into(),
        Value::Bool(!c.is_deleted && c.merged_into_id.is_none()),
    );
    for include in includes {
        let (key, value) = match include {
            Include::AgentAssignee => (
                "agentAssignee",
                match c.agent_assignee_id {
                    Some(id) => agent(app, site, id.0).await,
                    None => Value::Null,
                },
            ),
            Include::DepartmentAssignee => (
                "departmentAssignee",
                match c.department_assignee_id {
                    Some(id) => match app.store.departments().get(site, id).await {
                        Ok(d) => to_value(DepartmentView::from(d)),
                        Err(_) => Value::Null,
                    },
                    None => Value::Null,
                },
            ),
            Include::Contact => (
                "contact",
                match c.contact_id {
                    Some(id) => contact(app, site, id.0).await,
                    None => Value::Null,
                },
            ),
            Include::CreatedBy => (
                "createdBy",
                person(app, site, c.created_by_type, c.created_by_id).await,
            ),
            Include::LastRepliedBy => (
                "lastRepliedBy",
                person(app, site, c.last_replied_by_type, c.last_replied_by_id).await,
            ),
            Include::Messages => (
                "messages",
                Value::Array(messages.map_or_else(Vec::new, |(list, lookup)| lookup.views(list))),
            ),
            Include::Sender => continue,
        };
        map.insert(key.into(), value);
    }
    Value::Object(map)
}
