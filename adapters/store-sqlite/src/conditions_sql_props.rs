//! Property: for random conversations and random conditions (every field type × match type,
//! tricky Unicode case, malformed custom values, logical expressions, several time zones),
//! the conversations the SQL predicate selects are exactly those the core's
//! `CompiledConditions::matches` selects; and the unread counts agree likewise.

use crate::conversations::{save, ConversationChange};
use crate::{ConversationQuery, Store, StoreOptions};
use anytime_core::condition::{CompiledConditions, Conditions};
use anytime_core::model::{
    AgentId, Channel, ContactId, ContactInfo, Context, Conversation, ConversationId,
    CustomFieldValue, DepartmentId, FieldDef, FieldId, FieldSet, FieldValue, Mention, MessageId,
    Priority, SiteId, Status, TagId, TimeZone,
};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeSet;
use uuid::Uuid;

const SITE: u128 = 0x5173;
const AGENTS: [u128; 2] = [0xa1, 0xa2];
const DEPARTMENTS: [u128; 2] = [0xd1, 0xd2];
/// The last tag is deleted after the conversations are saved: snapshots keep its id.
const TAGS: [u128; 3] = [0x71, 0x72, 0x73];
/// The last contact is never stored (a dangling id reads as no contact).
const CONTACTS: [(u128, &str, Option<&str>); 3] = [
    (0xc1, "Straße ΣΊΣ", Some("A@Example.com")),
    (0xc2, "", None),
    (0xc3, "ghost", Some("g@x")),
];
const ZONES: [&str; 4] = ["UTC", "Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"];
/// Characters whose case folding differs between ASCII, Rust's lower case and simple folding.
const LETTERS: &str = "aAßẞΣσςİiKkéÉ ";

fn uuid(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn text(max: usize) -> impl Strategy<Value = String> {
    let letters: Vec<char> = LETTERS.chars().collect();
    prop::collection::vec(prop::sample::select(letters), 0..=max)
        .prop_map(|cs| cs.into_iter().collect())
}

fn nonempty_text() -> impl Strategy<Value = String> {
    text(2).prop_filter("contains needs a needle", |t| !t.is_empty())
}

/// (id, type, options) of the site's custom fields.
const FIELDS: [(&str, &str); 8] = [
    ("f-txt", "text"),
    ("f-num", "integer"),
    ("f-flt", "float"),
    ("f-day", "date"),
    ("f-op", "operator"),
    ("f-chk", "checkbox"),
    ("f-dd", "dropdownList"),
    ("f-cl", "checkboxList"),
];

fn field_set() -> FieldSet {
    let defs: Vec<FieldDef> = FIELDS
        .iter()
        .map(|(id, ty)| {
            let options: Vec<serde_json::Value> = ["a", "b", "c"]
                .iter()
                .enumerate()
                .map(|(i, v)| serde_json::json!({"id": null, "name": v, "value": v, "order": i}))
                .collect();
            serde_json::from_value(serde_json::json!({
                "id": id, "type": ty, "name": id, "options": options
            }))
            .unwrap()
        })
        .collect();
    FieldSet::new(defs)
}

fn pick(items: &'static [&'static str]) -> BoxedStrategy<String> {
    prop::sample::select(items).prop_map(str::to_string).boxed()
}

fn raw_value(field: &str) -> BoxedStrategy<FieldValue> {
    let t = |s: BoxedStrategy<String>| s.prop_map(FieldValue::Text).boxed();
    match field {
        "f-txt" => prop_oneof![
            text(3).prop_map(FieldValue::Text),
            prop::collection::vec(text(1), 0..3).prop_map(FieldValue::List),
        ]
        .boxed(),
        "f-num" => t(pick(&[
            " 5",
            "+3",
            "-2",
            "x",
            "7.0",
            "",
            "3",
            "99999999999999999999",
        ])),
        "f-flt" => t(pick(&[
            "1.5", "1e1", "NaN", "inf", "-0", "", "abc", "2", " 10 ",
        ])),
        "f-day" => t(pick(&[
            "2026-03-29",
            " 2026-03-30 ",
            "2026-02-30",
            "",
            "x",
            "2026-3-29",
        ])),
        "f-op" => t(pick(&[
            "00000000-0000-0000-0000-0000000000a1",
            " 00000000-0000-0000-0000-0000000000A2 ",
            "",
            "junk",
        ])),
        "f-chk" => t(pick(&["true", "false", "TRUE", ""])),
        "f-dd" => t(pick(&["a", "b", "", "z"])),
        _ => prop_oneof![
            prop::collection::vec(pick(&["a", "b", "c"]), 0..4).prop_map(FieldValue::List),
            t(pick(&[
                "",
                "a",
                "[\"a\",\"b\"]",
                "[\"c\",\"a\",\"c\"]",
                "[1]"
            ])),
        ]
        .boxed(),
    }
}

fn instant() -> impl Strategy<Value = Option<DateTime<Utc>>> {
    // Four days around the spring DST change, to the nanosecond.
    let base = DateTime::parse_from_rfc3339("2026-03-27T20:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    prop::option::weighted(
        0.85,
        (0i64..4 * 24 * 60, 0i64..1_000_000_000)
            .prop_map(move |(m, n)| base + Duration::minutes(m) + Duration::nanoseconds(n)),
    )
}

fn custom_fields() -> impl Strategy<Value = Vec<CustomFieldValue>> {
    let one = (0..FIELDS.len(), any::<bool>()).prop_flat_map(|(i, upper)| {
        let id = FIELDS[i].0;
        raw_value(id).prop_map(move |value| CustomFieldValue {
            // Lookups ignore ASCII case; repeats are found first-first.
            id: FieldId::new(if upper { id.to_uppercase() } else { id.into() }),
            name: None,
            value,
        })
    });
    prop::collection::vec(one, 0..10)
}

fn conversation() -> impl Strategy<Value = Conversation> {
    let people = (
        prop::option::of(prop::sample::select(&AGENTS[..])),
        prop::option::of(prop::sample::select(&DEPARTMENTS[..])),
        prop::option::of(0..CONTACTS.len()),
        prop::collection::vec(prop::sample::select(&TAGS[..]), 0..3),
        prop::collection::vec((prop::sample::select(&AGENTS[..]), any::<bool>()), 0..2),
    );
    let state = (
        prop::sample::select(Status::ALL),
        prop::sample::select(Priority::ALL),
        prop::sample::select(Channel::ALL),
        any::<bool>(),
        text(4),
        prop::option::of(text(2)),
    );
    (
        people,
        state,
        (instant(), instant(), instant()),
        custom_fields(),
    )
        .prop_map(
            |(
                (agent, dept, contact, tags, mentions),
                (status, priority, channel, is_read, subject, from),
                (created, activity, replied),
                custom,
            )| Conversation {
                subject,
                received_from: from,
                status,
                priority,
                channel,
                is_read,
                agent_assignee_id: agent.map(|a| AgentId(uuid(a))),
                department_assignee_id: dept.map(|d| DepartmentId(uuid(d))),
                contact_id: contact.map(|i| ContactId(uuid(CONTACTS[i].0))),
                tag_ids: tags.into_iter().map(|t| TagId(uuid(t))).collect(),
                mentioned_agents: mentions
                    .into_iter()
                    .map(|(a, is_read)| Mention {
                        agent_id: AgentId(uuid(a)),
                        is_read,
                        message_id: MessageId(1),
                    })
                    .collect(),
                created_time: created,
                last_activity_time: activity,
                last_replied_time: replied,
                custom_fields: custom,
                ..Default::default()
            },
        )
}

fn id_text(pool: &'static [u128]) -> BoxedStrategy<String> {
    prop_oneof![
        prop::sample::select(pool).prop_map(|n| uuid(n).to_string()),
        Just(String::new()),
    ]
    .boxed()
}

/// A valid (fieldId, matchType, value) for some field.
fn condition() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    let text_fields = pick(&[
        "subject",
        "contactEmail",
        "contactName",
        "receivedFrom",
        "messageBody",
        "f-txt",
    ]);
    let text_cond =
        (text_fields, any::<bool>(), any::<bool>()).prop_flat_map(|(f, contains, neg)| {
            let m = match (contains, neg) {
                (true, false) => "contains",
                (true, true) => "notContains",
                (false, false) => "is",
                (false, true) => "isNot",
            };
            let v = if contains {
                nonempty_text().boxed()
            } else {
                text(2).boxed()
            };
            v.prop_map(move |v| json!({"fieldId": f, "matchType": m, "value": v}))
        });
    let order = pick(&["is", "isNot", "isMoreThan", "isLessThan"]);
    let num = (order.clone(), pick(&["5", "-2", "3", "0"]))
        .prop_map(|(m, v)| json!({"fieldId": "f-num", "matchType": m, "value": v}));
    let flt = (order, pick(&["1.5", "2", "-0.0", "10"]))
        .prop_map(|(m, v)| json!({"fieldId": "f-flt", "matchType": m, "value": v}));
    let date = (
        pick(&[
            "createdTime",
            "lastActivityTime",
            "lastRepliedTime",
            "f-day",
        ]),
        pick(&["is", "before", "after"]),
        pick(&[
            "2026-03-29",
            "2026-03-30",
            "2026-03-28T23:30:00+02:00",
            "2026-03-30T10:00",
            "2026-03-29T22:30:00Z",
        ]),
    )
        .prop_map(|(f, m, v)| json!({"fieldId": f, "matchType": m, "value": v}));
    let is = pick(&["is", "isNot"]);
    let choice = (
        is.clone(),
        prop_oneof![
            prop::sample::select(Status::ALL)
                .prop_map(|s| ("status".to_string(), s.as_str().to_string())),
            prop::sample::select(Priority::ALL)
                .prop_map(|p| ("priority".to_string(), p.as_str().to_string())),
            prop::sample::select(Channel::ALL)
                .prop_map(|c| ("channel".to_string(), c.as_str().to_string())),
            pick(&["true", "false"]).prop_map(|b| ("isRead".to_string(), b)),
            id_text(&AGENTS).prop_map(|a| ("agentAssignee".to_string(), a)),
            id_text(&DEPARTMENTS).prop_map(|d| ("departmentAssignee".to_string(), d)),
            id_text(&AGENTS).prop_map(|a| ("f-op".to_string(), a)),
            pick(&["true", "false"]).prop_map(|b| ("f-chk".to_string(), b)),
            pick(&["a", "b", ""]).prop_map(|v| ("f-dd".to_string(), v)),
        ],
    )
        .prop_map(|(m, (f, v))| json!({"fieldId": f, "matchType": m, "value": v}));
    let multi = (
        prop_oneof![
            Just((
                "tags",
                TAGS.iter()
                    .map(|t| uuid(*t).to_string())
                    .collect::<Vec<_>>()
            )),
            Just((
                "f-cl",
                vec!["a".to_string(), "b".to_string(), "c".to_string()]
            )),
        ],
        pick(&["contains", "notContains", "is", "isNot"]),
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<prop::sample::Index>(), 0..3),
    )
        .prop_map(|((f, pool), m, one, some)| {
            let value = if m.contains("ontains") {
                json!(one.get(&pool))
            } else {
                json!(some
                    .iter()
                    .map(|i| i.get(&pool).clone())
                    .collect::<Vec<_>>())
            };
            json!({"fieldId": f, "matchType": m, "value": value})
        });
    prop_oneof![text_cond, num, flt, date, choice, multi]
}

fn expression(n: usize) -> BoxedStrategy<String> {
    let leaf = (1..=n).prop_map(|i| i.to_string());
    leaf.prop_recursive(3, 8, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| format!("NOT ({e})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) AND ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) OR ({b})")),
        ]
    })
    .boxed()
}

fn conditions() -> impl Strategy<Value = serde_json::Value> {
    prop::collection::vec(condition(), 0..4).prop_flat_map(|list| {
        let n = list.len();
        let when = if n == 0 {
            pick(&["all", "any"])
        } else {
            pick(&["all", "any", "logicalExpression"])
        };
        let expr = if n == 0 {
            Just(String::new()).boxed()
        } else {
            expression(n)
        };
        (Just(list), when, expr).prop_map(|(list, when, expr)| {
            serde_json::json!({"when": when, "logicalExpression": expr, "list": list})
        })
    })
}

fn contact_info(c: &Conversation) -> Option<ContactInfo> {
    let id = c.contact_id?;
    CONTACTS[..CONTACTS.len() - 1]
        .iter()
        .find(|(n, _, _)| uuid(*n) == id.0)
        .map(|(_, name, email)| ContactInfo {
            name: Some(name.to_string()),
            email: email.map(str::to_string),
        })
}

fn setup(rt: &tokio::runtime::Runtime) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(async {
        let (store, _) = Store::open(dir.path().join("p.db"), StoreOptions::default())
            .await
            .unwrap();
        store
            .db
            .write(|tx| {
                let t = "2026-01-01T00:00:00.000Z";
                let site = uuid(SITE).to_string();
                tx.execute(
                    "INSERT INTO sites (id, name, created_time, updated_time) VALUES (?1, 's', ?2, ?2)",
                    (&site, t),
                )?;
                for (n, name, email) in &CONTACTS[..CONTACTS.len() - 1] {
                    tx.execute(
                        "INSERT INTO contacts (id, site_id, name, email, created_time, updated_time)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                        (uuid(*n).to_string(), &site, name, email, t),
                    )?;
                }
                Ok(())
            })
            .await
            .unwrap();
        store
    });
    (dir, store)
}

/// Replaces the site's conversations with `list` (numbered from 1).
async fn put(store: &Store, list: Vec<Conversation>) {
    store
        .db
        .write(move |tx| {
            let site = uuid(SITE).to_string();
            tx.execute("DELETE FROM conversations WHERE site_id = ?1", [&site])?;
            for (i, t) in TAGS.iter().enumerate() {
                tx.execute(
                    "INSERT OR IGNORE INTO tags (id, site_id, name, created_time, updated_time)
                     VALUES (?1, ?2, ?3, '', '')",
                    (uuid(*t).to_string(), &site, format!("t{i}")),
                )?;
            }
            for (i, mut conversation) in list.into_iter().enumerate() {
                conversation.id = ConversationId(i as i64 + 1);
                let change = ConversationChange {
                    conversation,
                    messages: vec![],
                    history: vec![],
                    extras: Default::default(),
                };
                save(tx, &site, &change)?;
            }
            tx.execute(
                "DELETE FROM tags WHERE id = ?1",
                [uuid(TAGS[TAGS.len() - 1]).to_string()],
            )?;
            Ok(())
        })
        .await
        .unwrap();
}

fn ids_where(list: &[Conversation], keep: impl Fn(&Conversation) -> bool) -> BTreeSet<i64> {
    list.iter()
        .enumerate()
        .filter(|(_, c)| keep(c))
        .map(|(i, _)| i as i64 + 1)
        .collect()
}

#[test]
fn sql_selects_what_the_core_selects() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (_dir, store) = setup(&rt);
    let fields = field_set();
    let site = SiteId(uuid(SITE));
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let mut runner = TestRunner::new(Config::with_cases(cases));
    let strategy = (
        prop::collection::vec(conversation(), 0..12),
        conditions(),
        prop::sample::select(&ZONES[..]),
    );
    runner
        .run(&strategy, |(list, json, zone)| {
            let conditions: Conditions = serde_json::from_value(json.clone()).unwrap();
            let compiled: CompiledConditions = match conditions.compile(&fields) {
                Ok(c) => c,
                Err(e) => panic!("generated an invalid condition {json}: {e:?}"),
            };
            let time_zone = TimeZone(zone.parse().unwrap());
            let ctx = |c: &Conversation| Context {
                time_zone,
                contact: contact_info(c),
                ..Default::default()
            };
            let want = ids_where(&list, |c| compiled.matches(c, &ctx(c)));
            let me = AgentId(uuid(AGENTS[0]));
            let unread = ids_where(&list, |c| !c.is_read);
            let want_unread_utc = ids_where(&list, |c| {
                !c.is_read
                    && compiled.matches(
                        c,
                        &Context {
                            contact: contact_info(c),
                            ..Default::default()
                        },
                    )
            });
            let want_mentioned = list
                .iter()
                .enumerate()
                .filter(|(i, c)| {
                    want_unread_utc.contains(&(*i as i64 + 1))
                        && c.mentioned_agents
                            .iter()
                            .any(|m| m.agent_id == me && !m.is_read)
                })
                .count() as u64;
            let (got, counts) = rt.block_on(async {
                put(&store, list.clone()).await;
                let (page, total) = store
                    .conversations()
                    .list(
                        site,
                        ConversationQuery {
                            conditions: vec![compiled.clone()],
                            time_zone,
                            limit: 100,
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                assert_eq!(total as usize, page.len());
                let counts = store
                    .conversations()
                    .unread_counts(site, me, vec![compiled.clone()])
                    .await
                    .unwrap();
                (
                    page.into_iter().map(|c| c.id.0).collect::<BTreeSet<_>>(),
                    counts,
                )
            });
            prop_assert_eq!(&got, &want, "conditions {} in {}", json, zone);
            prop_assert_eq!(counts.0, unread.len() as u64);
            prop_assert_eq!(
                counts.1,
                vec![(want_unread_utc.len() as u64, want_mentioned)],
                "unread counts for {}",
                json
            );
            Ok(())
        })
        .unwrap();
}
