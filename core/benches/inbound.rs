//! One inbound message decided against 10,000 blocked senders (budget: under 50 µs, SPEC §8).
//!
//! Half the rules are addresses, half domains, spread over made-up domains. The index is
//! compiled once outside the measured loop, as the server keeps it per site. Scenarios: a
//! sender no rule matches (every label of the domain is looked up), a sender blocked by a
//! parent domain, and a reply threaded by In-Reply-To behind all those checks.

use anytime_core::inbound::{
    BlockType, BlockedSender, InboundConfig, InboundMessage, KnownMessage, ThreadCandidate,
};
use anytime_core::model::{ConversationId, Status};
use chrono::{DateTime, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const RULES: u64 = 10_000;

/// splitmix64, so names are spread like real ones.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn config() -> InboundConfig {
    let blocked_senders = (0..RULES)
        .map(|i| {
            let r = mix(i);
            let domain = format!("d{:x}.example{}.test", r >> 40, r % 7);
            let (email, block_type) = match r % 4 {
                0 => (format!("u{i}@{domain}"), BlockType::BlockEmailAsJunk),
                1 => (format!("u{i}@{domain}"), BlockType::RejectEmail),
                2 => (domain, BlockType::BlockDomainAsJunk),
                _ => (domain, BlockType::RejectDomain),
            };
            BlockedSender {
                id: Some(format!("rule-{i}")),
                email,
                block_type,
            }
        })
        .collect::<Vec<_>>();
    InboundConfig {
        site_addresses: vec![
            "support@acme.test".into(),
            "s-0123456789@in.anytime.test".into(),
        ],
        blocked_senders,
        known_messages: vec![KnownMessage {
            message_id: "out-5@acme.test".into(),
            conversation_id: ConversationId(5),
        }],
        conversations: vec![ThreadCandidate {
            id: ConversationId(5),
            contact_email: "jane@deep.sub.contact.test".into(),
            status: Status::Closed,
            closed_time: Some("2024-04-20T12:00:00Z".parse().unwrap()),
        }],
        ..InboundConfig::default()
    }
}

fn message(from: &str, in_reply_to: Option<&str>) -> InboundMessage {
    InboundMessage {
        message_id: Some("<new-1@mail.contact.test>".into()),
        from: from.into(),
        subject: "Re: printer on fire [#5]".into(),
        in_reply_to: in_reply_to.map(str::to_string),
        references: vec!["<a@x> <b@x> <c@x>".into()],
        headers: anytime_core::inbound::Headers::new([
            ("Precedence".to_string(), "first-class".to_string()),
            ("X-Mailer".to_string(), "bench".to_string()),
        ]),
        ..InboundMessage::default()
    }
}

fn bench(c: &mut Criterion) {
    let now: DateTime<Utc> = "2024-05-01T12:00:00Z".parse().unwrap();
    let config = config();
    let rules = config.compile().unwrap();
    let rule = config
        .blocked_senders
        .iter()
        .find(|r| r.block_type == BlockType::RejectDomain)
        .expect("mix spreads the rule types");
    let blocked_domain = format!("Someone <someone@a.b.{}>", rule.email);
    let stranger = message("Jane <jane@deep.sub.contact.test>", None);
    let blocked = message(&blocked_domain, None);
    let reply = message("jane@deep.sub.contact.test", Some("<out-5@acme.test>"));

    c.bench_function("decide: no rule matches (10,000 blocked senders)", |b| {
        b.iter(|| rules.decide(black_box(&stranger), now))
    });
    c.bench_function(
        "decide: blocked by a parent domain (10,000 blocked senders)",
        |b| b.iter(|| rules.decide(black_box(&blocked), now)),
    );
    c.bench_function(
        "decide: reply threaded by In-Reply-To (10,000 blocked senders)",
        |b| b.iter(|| rules.decide(black_box(&reply), now)),
    );
    c.bench_function(
        "compile: index 10,000 blocked senders (once per site change)",
        |b| b.iter(|| black_box(&config).compile()),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
