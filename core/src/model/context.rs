//! What a rule evaluation needs besides the conversation: the instant, the site's zone, and
//! the contact and message in play.

use super::ContactInfo;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An IANA time zone, parsed when the input is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub Tz);

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone(Tz::UTC)
    }
}

impl Serialize for TimeZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        name.parse::<Tz>()
            .map(TimeZone)
            .map_err(|_| serde::de::Error::custom(format!("unknown IANA time zone `{name}`")))
    }
}

/// The message that caused an evaluation (for `messageBody` and `{{message.plainBody}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct MessageInfo {
    pub plain_body: String,
    /// The sender's address, for the own-address guard of trigger emails (SPEC §5.4).
    pub from: Option<String>,
    /// The message carried auto-reply headers (SPEC §5.4): no trigger email to the contact.
    pub is_auto_reply: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Context {
    /// The current instant; required by functions that look at time.
    pub now: Option<DateTime<Utc>>,
    /// The site's time zone, for local dates in date conditions.
    pub time_zone: TimeZone,
    pub contact: Option<ContactInfo>,
    pub message: Option<MessageInfo>,
}
