//! The records the store reads and writes. Plain data: the server turns them into API JSON.

use anytime_core::model::{AgentId, AgentStatus, ContactId, DepartmentId, SiteId, TagId};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt;
use uuid::Uuid;

/// What a credential may do (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything in its site.
    Admin,
    /// Conversations and the console; read-only on settings.
    Agent,
    /// Only the portal endpoints, acting for a contact.
    Portal,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Agent, Role::Portal];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Portal => "portal",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The SHA-256 of an API key: what the store keeps and looks keys up by.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyHash(pub [u8; 32]);

impl fmt::Debug for KeyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyHash(…)")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: SiteId,
    pub name: String,
    pub settings: serde_json::Value,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

/// Who an API key belongs to, as the auth layer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub site_id: SiteId,
    pub agent_id: AgentId,
    pub email: String,
    pub role: Role,
    pub is_active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: AgentId,
    pub site_id: SiteId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub is_active: bool,
    pub status: AgentStatus,
    pub department_ids: Vec<DepartmentId>,
    pub has_password: bool,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

/// A new agent, validated by the caller; `api_key` is the hash of its first key.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub id: AgentId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub is_active: bool,
    pub status: AgentStatus,
    pub department_ids: Vec<DepartmentId>,
    pub password_hash: Option<String>,
    pub api_key: KeyHash,
}

/// A partial update: `None` leaves the field as it is.
#[derive(Debug, Clone, Default)]
pub struct AgentChanges {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<Role>,
    pub is_active: Option<bool>,
    pub status: Option<AgentStatus>,
    pub department_ids: Option<Vec<DepartmentId>>,
    pub password_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub description: String,
    /// Member agent ids, sorted.
    pub members: Vec<AgentId>,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub id: DepartmentId,
    pub name: String,
    pub description: String,
    pub members: Vec<AgentId>,
}

#[derive(Debug, Clone, Default)]
pub struct DepartmentChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub members: Option<Vec<AgentId>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `appId` → the contact's id in that app.
    pub external_ids: BTreeMap<String, String>,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewContact {
    pub id: ContactId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_ids: BTreeMap<String, String>,
}

/// `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub external_ids: Option<BTreeMap<String, String>>,
}

/// Contact list filters; results are ordered by name (case-insensitive), then id.
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    /// Substring of name, email or phone (case-insensitive).
    pub keywords: Option<String>,
    /// Exact email (case-insensitive).
    pub email: Option<String>,
    /// `externalIds[app_id] == external_id`.
    pub external_id: Option<(String, String)>,
    pub offset: u64,
    pub limit: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub id: TagId,
    pub name: String,
    /// Conversations carrying the tag (0 until conversations exist).
    pub conversation_count: u64,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CannedResponse {
    pub id: Uuid,
    pub name: String,
    pub html_content: String,
    pub text_content: String,
    pub created_time: DateTime<Utc>,
    pub updated_time: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewCannedResponse {
    pub id: Uuid,
    pub name: String,
    pub html_content: String,
    pub text_content: String,
}

#[derive(Debug, Clone, Default)]
pub struct CannedResponseChanges {
    pub name: Option<String>,
    pub html_content: Option<String>,
    pub text_content: Option<String>,
}
