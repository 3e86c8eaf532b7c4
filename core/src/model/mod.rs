//! Domain types shared by the rule modules (SPEC §4–5), with the API's camelCase JSON.

mod agent;
mod context;
mod conversation;
mod enums;
mod field;
mod ids;
mod timeline;

pub use agent::{Agent, ContactInfo, Department};
pub use context::{Context, MessageInfo, TimeZone};
pub use conversation::{Conversation, CustomFieldValue, Mention};
pub use enums::{AgentStatus, Channel, MessageType, Priority, SenderType, Status};
pub use field::{FieldDef, FieldId, FieldOption, FieldSet, FieldType, FieldValue, SystemField};
pub use ids::{AgentId, ContactId, ConversationId, DepartmentId, MessageId, RuleId, SiteId, TagId};
pub use timeline::TimelineItem;
