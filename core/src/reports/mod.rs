//! Reports (SPEC §4.13) computed from stored events: each conversation's creation, its status
//! changes and its messages' kind and sender (never their text). The server loads those for
//! the filtered conversations; everything here is pure and takes `now` and the business
//! calendar as arguments.
//!
//! Conventions (`docs/decisions.md`): events count when `timeFrom ≤ t < timeTo`; a
//! conversation is *reopened* when its status leaves `closed`; incoming = contact messages,
//! outgoing = agent public replies; response and resolution times belong to conversations
//! created in the window; the median of an even count is the mean of the middle two; p90 is
//! the nearest-rank value (the ⌈0.9·n⌉-th smallest).

mod buckets;
mod stats;

pub use buckets::{bucket_of, bucket_starts, end_of_last, Granularity, MAX_BUCKETS};
/// The time zone type the buckets take (re-exported so callers need no chrono-tz of their own).
pub use chrono_tz::Tz;
pub use stats::Summary;

use crate::model::{AgentId, Channel, ConversationId, Priority, SenderType, Status};
use crate::sla::{OpenTime, SlaTarget};
use crate::CoreResult;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// One stored event of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportEvent {
    Message {
        time: DateTime<Utc>,
        sender: SenderType,
        /// email or reply (not a note).
        public: bool,
        /// The agent, for agent messages.
        agent: Option<AgentId>,
    },
    Status {
        time: DateTime<Utc>,
        status: Status,
    },
}

impl ReportEvent {
    pub fn time(&self) -> DateTime<Utc> {
        match self {
            ReportEvent::Message { time, .. } | ReportEvent::Status { time, .. } => *time,
        }
    }

    fn is_agent_reply(&self) -> bool {
        matches!(
            self,
            ReportEvent::Message {
                sender: SenderType::Agent,
                public: true,
                ..
            }
        )
    }
}

/// Which targets the conversation's SLA policy has (none without a policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetFlags {
    pub first_response: bool,
    pub next_response: bool,
    pub resolution: bool,
}

/// A conversation as the reports read it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportConversation {
    pub id: ConversationId,
    pub channel: Channel,
    pub created: DateTime<Utc>,
    pub status: Status,
    pub priority: Priority,
    pub agent: Option<AgentId>,
    /// The earliest `…BreachAt` shown now.
    pub next_breach_at: Option<DateTime<Utc>>,
    pub targets: TargetFlags,
    /// In time order.
    pub events: Vec<ReportEvent>,
}

/// `GET /reports/rightNow`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RightNow {
    pub by_status: BTreeMap<&'static str, u64>,
    pub by_priority: BTreeMap<&'static str, u64>,
    pub unassigned: u64,
    pub agents_online: u64,
    pub overdue: u64,
}

/// Open conversations (not closed; the caller leaves deleted ones out) as they stand `now`.
pub fn right_now(
    conversations: &[ReportConversation],
    agents_online: u64,
    now: DateTime<Utc>,
) -> RightNow {
    let mut by_status: BTreeMap<&'static str, u64> =
        Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    let mut by_priority: BTreeMap<&'static str, u64> =
        Priority::ALL.iter().map(|p| (p.as_str(), 0)).collect();
    let mut unassigned = 0;
    let mut overdue = 0;
    for c in conversations.iter().filter(|c| c.status != Status::Closed) {
        *by_status.entry(c.status.as_str()).or_default() += 1;
        *by_priority.entry(c.priority.as_str()).or_default() += 1;
        unassigned += u64::from(c.agent.is_none());
        overdue += u64::from(c.next_breach_at.is_some_and(|t| t <= now));
    }
    RightNow {
        by_status,
        by_priority,
        unassigned,
        agents_online,
        overdue,
    }
}

/// The counts of one bucket or channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub created: u64,
    pub closed: u64,
    pub reopened: u64,
    pub incoming: u64,
    pub outgoing: u64,
}

/// What one event adds to the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tally {
    Created,
    Closed,
    Reopened,
    Incoming,
    Outgoing,
}

impl Counts {
    fn add(&mut self, t: Tally) {
        match t {
            Tally::Created => self.created += 1,
            Tally::Closed => self.closed += 1,
            Tally::Reopened => self.reopened += 1,
            Tally::Incoming => self.incoming += 1,
            Tally::Outgoing => self.outgoing += 1,
        }
    }
}

/// The counted events of `c` inside `[from, to)`, with their instants.
fn tallies(
    c: &ReportConversation,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Tally)> {
    let inside = |t: DateTime<Utc>| from <= t && t < to;
    let mut out = Vec::new();
    if inside(c.created) {
        out.push((c.created, Tally::Created));
    }
    let mut status = Status::New;
    for e in &c.events {
        let t = e.time();
        let tally = match *e {
            ReportEvent::Status { status: next, .. } => {
                let was = std::mem::replace(&mut status, next);
                if was == next {
                    None
                } else if next == Status::Closed {
                    Some(Tally::Closed)
                } else if was == Status::Closed {
                    Some(Tally::Reopened)
                } else {
                    None
                }
            }
            ReportEvent::Message { sender, public, .. } => match sender {
                SenderType::Contact => Some(Tally::Incoming),
                SenderType::Agent if public => Some(Tally::Outgoing),
                _ => None,
            },
        };
        if let Some(tally) = tally.filter(|_| inside(t)) {
            out.push((t, tally));
        }
    }
    out
}

/// One bucket of `GET /reports/volume`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeBucket {
    pub start: DateTime<Utc>,
    #[serde(flatten)]
    pub counts: Counts,
}

/// `GET /reports/volume`: one bucket per `granularity` in `tz`, empty ones included.
pub fn volume(
    conversations: &[ReportConversation],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: Tz,
    granularity: Granularity,
) -> CoreResult<Vec<VolumeBucket>> {
    let starts = bucket_starts(from, to, tz, granularity)?;
    let Some(last) = starts.last() else {
        return Ok(Vec::new());
    };
    let end = end_of_last(*last, tz, granularity)?;
    let mut counts = vec![Counts::default(); starts.len()];
    for c in conversations {
        for (t, tally) in tallies(c, from, to) {
            if let Some(slot) = bucket_of(&starts, end, t).and_then(|i| counts.get_mut(i)) {
                slot.add(tally);
            }
        }
    }
    Ok(starts
        .into_iter()
        .zip(counts)
        .map(|(start, counts)| VolumeBucket { start, counts })
        .collect())
}

/// One row of `GET /reports/channel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelRow {
    pub channel: Channel,
    #[serde(flatten)]
    pub counts: Counts,
}

/// `GET /reports/channel`: every channel, in the API's channel order.
pub fn by_channel(
    conversations: &[ReportConversation],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<ChannelRow> {
    let mut rows: Vec<ChannelRow> = Channel::ALL
        .iter()
        .map(|&channel| ChannelRow {
            channel,
            counts: Counts::default(),
        })
        .collect();
    for c in conversations {
        if let Some(row) = rows.iter_mut().find(|r| r.channel == c.channel) {
            for (_, tally) in tallies(c, from, to) {
                row.counts.add(tally);
            }
        }
    }
    rows
}

/// SLA achievement rates (1 − breached ÷ measured), `None` when nothing was measured.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaAchievement {
    pub first_response: Option<f64>,
    pub next_response: Option<f64>,
    pub resolution: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentReplies {
    pub agent_id: AgentId,
    pub replies: u64,
}

/// `GET /reports/efficiency`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Efficiency {
    pub first_response_time: Summary,
    pub resolution_time: Summary,
    pub sla_achievement: SlaAchievement,
    pub replies_by_agent: Vec<AgentReplies>,
}

/// Next-response runs a conversation had: each contact message after an agent reply opens
/// one unless one is open; the next agent reply closes it (as the SLA clock counts them).
fn next_response_runs(events: &[ReportEvent]) -> u64 {
    let (mut runs, mut replied, mut open) = (0, false, false);
    for e in events {
        match e {
            e if e.is_agent_reply() => {
                replied = true;
                open = false;
            }
            ReportEvent::Message {
                sender: SenderType::Contact,
                ..
            } if replied && !open => {
                open = true;
                runs += 1;
            }
            _ => {}
        }
    }
    runs
}

fn rate(measured: u64, breached: u64) -> Option<f64> {
    (measured > 0).then(|| measured.saturating_sub(breached) as f64 / measured as f64)
}

/// `GET /reports/efficiency` over the conversations created in `[from, to)`; `breaches` are
/// the recorded breaches (any conversation; those of others are ignored); replies count
/// when sent in the window.
pub fn efficiency(
    conversations: &[ReportConversation],
    breaches: &[(ConversationId, SlaTarget)],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    business: &dyn OpenTime,
) -> Efficiency {
    let inside = |t: DateTime<Utc>| from <= t && t < to;
    let mut first = (Vec::new(), Vec::new());
    let mut resolution = (Vec::new(), Vec::new());
    let mut measured = [0u64; 3];
    let mut breached = [0u64; 3];
    let mut replies: BTreeMap<AgentId, u64> = BTreeMap::new();
    for c in conversations {
        for e in &c.events {
            if let ReportEvent::Message {
                sender: SenderType::Agent,
                public: true,
                agent: Some(a),
                time,
            } = e
            {
                if inside(*time) {
                    *replies.entry(*a).or_default() += 1;
                }
            }
        }
        if !inside(c.created) {
            continue;
        }
        if let Some(reply) = c.events.iter().find(|e| e.is_agent_reply()) {
            let t = reply.time();
            first.0.push((t - c.created).num_seconds().max(0));
            first.1.push(business.between(c.created, t));
        }
        if c.status == Status::Closed {
            let closed = c.events.iter().rev().find_map(|e| match e {
                ReportEvent::Status {
                    status: Status::Closed,
                    time,
                } => Some(*time),
                _ => None,
            });
            if let Some(t) = closed {
                resolution.0.push((t - c.created).num_seconds().max(0));
                resolution.1.push(business.between(c.created, t));
            }
        }
        let mine = |target: SlaTarget| {
            breaches
                .iter()
                .filter(|(id, t)| *id == c.id && *t == target)
                .count() as u64
        };
        if c.targets.first_response {
            measured[0] += 1;
            breached[0] += mine(SlaTarget::FirstResponse).min(1);
        }
        if c.targets.next_response {
            let runs = next_response_runs(&c.events);
            measured[1] += runs;
            breached[1] += mine(SlaTarget::NextResponse).min(runs);
        }
        if c.targets.resolution {
            measured[2] += 1;
            breached[2] += mine(SlaTarget::Resolution).min(1);
        }
    }
    let mut replies_by_agent: Vec<AgentReplies> = replies
        .into_iter()
        .map(|(agent_id, replies)| AgentReplies { agent_id, replies })
        .collect();
    replies_by_agent.sort_by(|a, b| b.replies.cmp(&a.replies).then(a.agent_id.cmp(&b.agent_id)));
    Efficiency {
        first_response_time: Summary::of(first.0, first.1),
        resolution_time: Summary::of(resolution.0, resolution.1),
        sla_achievement: SlaAchievement {
            first_response: rate(measured[0], breached[0]),
            next_response: rate(measured[1], breached[1]),
            resolution: rate(measured[2], breached[2]),
        },
        replies_by_agent,
    }
}

#[cfg(test)]
mod tests;
