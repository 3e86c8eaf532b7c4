//! The working list by next SLA breach against the same order computed here, page by page,
//! both directions: ascending is read in `conversations_open_by_breach`'s order (migration
//! 0015), descending is sorted by SQLite; both must agree with the rule (no SLA last, ties by
//! id in the same direction, closed conversations never listed).

use crate::bulk::BulkConversation;
use crate::conversations::{ConversationQuery, ConversationSort};
use anytime_core::model::{Conversation, ConversationId, Status};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn conversation(id: i64, status: Status, breach: Option<DateTime<Utc>>) -> BulkConversation {
    let created = Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap();
    BulkConversation {
        conversation: Conversation {
            id: ConversationId(id),
            subject: format!("c{id}"),
            status,
            created_time: Some(created),
            last_activity_time: Some(created),
            first_respond_breach_at: breach,
            ..Conversation::default()
        },
        messages: vec![],
    }
}

#[tokio::test]
async fn open_list_by_next_breach_pages_in_the_rule_order() {
    let (_dir, store, site) = crate::tests::store_with_site().await;
    let statuses = [
        Status::New,
        Status::PendingInternal,
        Status::PendingExternal,
        Status::OnHold,
        Status::Closed,
    ];
    let base = Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap();
    let mut x: u64 = 11;
    let mut next = |n: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % n
    };
    let batch: Vec<BulkConversation> = (1..=120)
        .map(|id| {
            let status = statuses[next(5) as usize];
            // Few distinct instants, so ties (broken by id) are common; a quarter without SLA.
            let breach =
                (next(4) != 0).then(|| base + Duration::hours(i64::try_from(next(6)).unwrap()));
            conversation(id, status, breach)
        })
        .collect();
    let open: Vec<(Option<DateTime<Utc>>, i64)> = batch
        .iter()
        .filter(|b| b.conversation.status != Status::Closed)
        .map(|b| (b.conversation.first_respond_breach_at, b.conversation.id.0))
        .collect();
    store.bulk().insert(site, batch).await.unwrap();
    store.bulk().finish().await.unwrap();

    for descending in [false, true] {
        let mut expected = open.clone();
        expected.sort_by(|a, b| {
            let nulls_last = a.0.is_none().cmp(&b.0.is_none());
            let by_key = if descending {
                b.0.cmp(&a.0).then(b.1.cmp(&a.1))
            } else {
                a.0.cmp(&b.0).then(a.1.cmp(&b.1))
            };
            nulls_last.then(by_key)
        });
        let expected: Vec<i64> = expected.into_iter().map(|(_, id)| id).collect();
        let mut listed = Vec::new();
        for page in 0..20 {
            let (list, total) = store
                .conversations()
                .list(
                    site,
                    ConversationQuery {
                        statuses: statuses[..4].to_vec(),
                        sort: ConversationSort::NextSlaBreach,
                        descending,
                        offset: page * 7,
                        limit: 7,
                        ..ConversationQuery::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(total, expected.len() as u64);
            if list.is_empty() {
                break;
            }
            listed.extend(list.iter().map(|c| c.id.0));
        }
        assert_eq!(listed, expected, "descending: {descending}");
    }
}
