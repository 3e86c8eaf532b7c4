//! The closed vocabularies of SPEC §4.1.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! named_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vattr:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vattr])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The API spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the API spelling, ignoring ASCII case.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

named_enum!(
    /// Conversation status; the order is the SLA/report order of SPEC §4.1.
    #[derive(Default)]
    Status { #[default] New = "new", PendingInternal = "pendingInternal", PendingExternal = "pendingExternal", OnHold = "onHold", Closed = "closed" }
);

named_enum!(
    /// Priority, most urgent first (so `Ord` sorts urgent → low).
    #[derive(Default)]
    Priority { Urgent = "urgent", High = "high", #[default] Normal = "normal", Low = "low" }
);

named_enum!(
    #[derive(Default)]
    Channel { Email = "email", Portal = "portal", #[default] Api = "api", Facebook = "facebook", Twitter = "twitter", Wechat = "wechat", Whatsapp = "whatsapp" }
);

named_enum!(
    MessageType { Note = "note", Email = "email", Reply = "reply" }
);

named_enum!(
    SenderType { Agent = "agent", Contact = "contact", System = "system" }
);

named_enum!(
    #[derive(Default)]
    AgentStatus { Online = "online", Away = "away", #[default] Offline = "offline" }
);

impl MessageType {
    /// Agent messages of these types are public replies (they stop SLA response clocks).
    pub fn is_public(self) -> bool {
        !matches!(self, MessageType::Note)
    }
}
