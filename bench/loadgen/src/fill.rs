//! `fill`: the scale data set, written through the store's bulk path
//! (`anytime_store::Bulk`). Conversations are spread evenly over `--days` before now, in id
//! order as a real site grows; those older than a week are closed but for 0.1 % on hold (no
//! SLA clock), 40 % of the last week's are open with breach times, as on a working help desk
//! (at a million conversations: about 3,500 open, some 100 per agent). Each has
//! `--messages-per` plain-text messages of 14 words alternating contact and agent; the words
//! come from a 20,736-word vocabulary (so one word is in about 0.07 % of messages, like a
//! customer's name or an order number), plus one routing topic in the first message.

use crate::ops::Rng;
use crate::setup::TOPICS;
use anytime_core::conversation::Message;
use anytime_core::model::{
    AgentId, Channel, Conversation, ConversationId, MessageId, MessageType, Priority, SenderType,
    SiteId, Status,
};
use anytime_store::{BulkConversation, Store, StoreOptions};
use chrono::{DateTime, Duration, Utc};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct FillArgs {
    /// The database file (`<data-dir>/anytime.db`); the server must be stopped.
    #[arg(long)]
    pub db: PathBuf,
    /// The site to fill; default: the only (or first) site.
    #[arg(long)]
    pub site: Option<uuid::Uuid>,
    #[arg(long, default_value_t = 1_000_000)]
    pub conversations: u64,
    #[arg(long, default_value_t = 5)]
    pub messages_per: u64,
    /// Conversations per transaction.
    #[arg(long, default_value_t = 5_000)]
    pub batch: u64,
    /// How far back the oldest conversation was created.
    #[arg(long, default_value_t = 1095)]
    pub days: i64,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

const SYLLABLES: [&str; 12] = [
    "ka", "lo", "mi", "re", "tu", "sa", "ne", "po", "di", "fa", "gu", "vo",
];

/// Word `k` of the vocabulary (`k < 12^4`): four syllables, all distinct words.
pub fn word(k: usize) -> String {
    let mut k = k % 20_736;
    let mut w = String::with_capacity(8);
    for _ in 0..4 {
        w.push_str(SYLLABLES[k % 12]);
        k /= 12;
    }
    w
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    (0..words)
        .map(|_| word(rng.below(20_736)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One generated conversation with its messages (numbered from `message_id`).
pub fn conversation(
    rng: &mut Rng,
    id: i64,
    message_id: i64,
    created: DateTime<Utc>,
    now: DateTime<Utc>,
    agents: &[AgentId],
    messages_per: u64,
) -> BulkConversation {
    let topic = TOPICS[rng.below(TOPICS.len())];
    let recent = now - created < Duration::days(7);
    let status = if recent {
        [
            Status::New,
            Status::PendingInternal,
            Status::PendingExternal,
            Status::OnHold,
            Status::Closed,
            Status::Closed,
            Status::Closed,
            Status::Closed,
            Status::Closed,
            Status::Closed,
        ][rng.below(10)]
    } else if rng.below(1000) == 0 {
        Status::OnHold
    } else {
        Status::Closed
    };
    let agent = (!agents.is_empty()).then(|| agents[rng.below(agents.len())]);
    let mut messages = Vec::new();
    let mut time = created;
    let mut last_reply = None;
    for k in 0..messages_per {
        let from_agent = k % 2 == 1;
        let mut text = sentence(rng, 14);
        if k == 0 {
            text = format!("The {topic} shows an error. {text}");
        }
        messages.push(Message {
            id: MessageId(message_id + k as i64),
            conversation_id: ConversationId(id),
            message_type: if from_agent {
                MessageType::Reply
            } else {
                MessageType::Email
            },
            sender_type: if from_agent {
                SenderType::Agent
            } else {
                SenderType::Contact
            },
            sender_id: if from_agent { agent.map(|a| a.0) } else { None },
            time,
            // Plain-text mail (no HTML part): keeps a million conversations on a small disk.
            html_body: String::new(),
            plain_body: text,
            mentioned_agent_ids: Vec::new(),
        });
        if from_agent {
            last_reply = Some(time);
        }
        time += Duration::minutes(30 + rng.below(600) as i64);
    }
    let last_time = messages.last().map_or(created, |m| m.time);
    let open = status != Status::Closed;
    let breach = open.then(|| created + Duration::hours(4 + rng.below(44) as i64));
    let conversation = Conversation {
        id: ConversationId(id),
        subject: format!(
            "{topic} problem: {} {}",
            word(rng.below(20_736)),
            word(rng.below(20_736))
        ),
        agent_assignee_id: agent,
        channel: Channel::Email,
        priority: Priority::ALL[rng.below(Priority::ALL.len())],
        status,
        is_read: !open,
        created_time: Some(created),
        last_activity_time: Some(last_time),
        last_status_change_time: Some(last_time),
        last_replied_time: last_reply,
        first_respond_breach_at: if last_reply.is_none() { breach } else { None },
        resolve_breach_at: breach,
        created_by_type: Some(SenderType::Contact),
        last_replied_by_id: last_reply.and(agent.map(|a| a.0)),
        last_replied_by_type: last_reply.map(|_| SenderType::Agent),
        last_message: messages
            .last()
            .map(|m| m.plain_body.chars().take(200).collect()),
        ..Conversation::default()
    };
    BulkConversation {
        conversation,
        messages,
    }
}

async fn run(args: &FillArgs) -> Result<(), String> {
    let (store, _) = Store::open(&args.db, StoreOptions::default())
        .await
        .map_err(|e| format!("{}: {e}", args.db.display()))?;
    let sites = store.sites().list().await.map_err(|e| e.to_string())?;
    let site: SiteId = match args.site {
        Some(id) => SiteId(id),
        None => sites
            .first()
            .map(|s| s.id)
            .ok_or("the database has no site")?,
    };
    let agents: Vec<AgentId> = store
        .agents()
        .list(site)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let (first, first_message) = store
        .bulk()
        .next_ids(site)
        .await
        .map_err(|e| e.to_string())?;
    let now = Utc::now();
    let span = Duration::days(args.days.clamp(1, 36_500));
    let total = args.conversations.min(100_000_000);
    let per = args.messages_per.min(1_000);
    let step_ms = span.num_milliseconds() / i64::try_from(total.max(1)).unwrap_or(1);
    let mut rng = Rng::new(args.seed);
    let started = Instant::now();
    let mut done = 0u64;
    while done < total {
        let n = args.batch.clamp(1, 100_000).min(total - done);
        let batch: Vec<BulkConversation> = (done..done + n)
            .map(|i| {
                let i = i as i64;
                let created = now - span + Duration::milliseconds(step_ms * i);
                conversation(
                    &mut rng,
                    first.0 + i,
                    first_message.0 + i * per as i64,
                    created,
                    now,
                    &agents,
                    per,
                )
            })
            .collect();
        store
            .bulk()
            .insert(site, batch)
            .await
            .map_err(|e| e.to_string())?;
        done += n;
        if done.is_multiple_of((args.batch * 20).max(1)) || done == total {
            eprintln!(
                "{done} conversations, {} messages, {:.0} s",
                done * per,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let t = Instant::now();
    store.bulk().finish().await.map_err(|e| e.to_string())?;
    eprintln!(
        "index merge and ANALYZE: {:.0} s",
        t.elapsed().as_secs_f64()
    );
    store.close().await;
    println!(
        "{{\"site\":\"{}\",\"conversations\":{total},\"messages\":{},\"firstId\":{},\"seconds\":{:.1}}}",
        site.0,
        total * per,
        first.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn fill(args: &FillArgs) -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?
        .block_on(run(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary_words_are_distinct() {
        let words: std::collections::BTreeSet<String> = (0..20_736).map(word).collect();
        assert_eq!(words.len(), 20_736);
        assert_eq!(word(20_736), word(0));
    }

    #[test]
    fn old_conversations_are_closed_and_messages_belong() {
        let now = Utc::now();
        let mut rng = Rng::new(1);
        let agents = [AgentId(uuid::Uuid::nil())];
        let mut closed = 0;
        for i in 0..200 {
            let c = conversation(
                &mut rng,
                i,
                i * 5 + 1,
                now - Duration::days(400),
                now,
                &agents,
                5,
            );
            assert_eq!(c.messages.len(), 5);
            assert!(c.messages.iter().all(|m| m.conversation_id.0 == i));
            if c.conversation.status == Status::Closed {
                closed += 1;
                assert!(c.conversation.resolve_breach_at.is_none());
            }
        }
        assert!(closed > 190, "{closed}");
        let recent = conversation(&mut rng, 1, 1, now - Duration::hours(1), now, &agents, 2);
        assert_eq!(
            recent.conversation.last_replied_time,
            Some(recent.messages[1].time)
        );
    }
}
