//! Store behaviour against a real SQLite file.

use super::*;
use anytime_core::model::{AgentId, AgentStatus, ContactId, DepartmentId, SiteId, TagId};
use std::collections::BTreeMap;
use uuid::Uuid;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn key(n: u8) -> KeyHash {
    KeyHash([n; 32])
}

fn new_agent(n: u128, email: &str, role: Role, key_byte: u8) -> NewAgent {
    NewAgent {
        id: AgentId(id(n)),
        name: format!("Agent {n}"),
        email: email.into(),
        role,
        is_active: true,
        status: AgentStatus::Offline,
        department_ids: vec![],
        password_hash: None,
        api_key: key(key_byte),
    }
}

pub(crate) async fn store_with_site() -> (tempfile::TempDir, Store, SiteId) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("t.db"), StoreOptions::default())
        .await
        .unwrap();
    let site = SiteId(id(1000));
    store
        .sites()
        .create(NewSite {
            id: site,
            name: "default".into(),
            admin: new_agent(1, "admin@example.com", Role::Admin, 1),
        })
        .await
        .unwrap();
    (dir, store, site)
}

#[tokio::test]
async fn first_site_is_created_once() {
    let (_dir, store, _) = store_with_site().await;
    let again = store
        .sites()
        .create_if_none(NewSite {
            id: SiteId(id(2000)),
            name: "x".into(),
            admin: new_agent(2, "b@example.com", Role::Admin, 2),
        })
        .await
        .unwrap();
    assert!(again.is_none());
    assert_eq!(store.sites().list().await.unwrap().len(), 1);
}

#[tokio::test]
async fn keys_resolve_to_their_agent_and_revocation_is_immediate() {
    let (_dir, store, site) = store_with_site().await;
    let cred = store
        .agents()
        .credential_for_key(key(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cred.site_id, site);
    assert_eq!(cred.role, Role::Admin);
    assert_eq!(cred.email, "admin@example.com");
    store
        .agents()
        .replace_api_key(site, AgentId(id(1)), key(9))
        .await
        .unwrap();
    assert!(store
        .agents()
        .credential_for_key(key(1))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .agents()
        .credential_for_key(key(9))
        .await
        .unwrap()
        .is_some());
    store
        .agents()
        .revoke_api_keys(site, AgentId(id(1)))
        .await
        .unwrap();
    assert!(store
        .agents()
        .credential_for_key(key(9))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn agent_emails_are_unique_per_site_ignoring_case() {
    let (_dir, store, site) = store_with_site().await;
    let err = store
        .agents()
        .create(site, new_agent(2, "ADMIN@example.com", Role::Agent, 2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    // Another site may use the same address.
    store
        .sites()
        .create(NewSite {
            id: SiteId(id(2000)),
            name: "other".into(),
            admin: new_agent(3, "admin@example.com", Role::Admin, 3),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_deleted() {
    let (_dir, store, site) = store_with_site().await;
    let admin = AgentId(id(1));
    let demote = AgentChanges {
        role: Some(Role::Agent),
        ..Default::default()
    };
    assert!(matches!(
        store.agents().update(site, admin, demote.clone()).await,
        Err(StoreError::Conflict { .. })
    ));
    assert!(matches!(
        store.agents().delete(site, admin).await,
        Err(StoreError::Conflict { .. })
    ));
    // Still there, unchanged (the transaction rolled back).
    assert_eq!(
        store.agents().get(site, admin).await.unwrap().role,
        Role::Admin
    );
    store
        .agents()
        .create(site, new_agent(2, "second@example.com", Role::Admin, 2))
        .await
        .unwrap();
    store.agents().update(site, admin, demote).await.unwrap();
    store.agents().delete(site, admin).await.unwrap();
    assert!(matches!(
        store.agents().get(site, admin).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn memberships_stay_inside_the_site() {
    let (_dir, store, site) = store_with_site().await;
    let other = SiteId(id(2000));
    store
        .sites()
        .create(NewSite {
            id: other,
            name: "other".into(),
            admin: new_agent(3, "o@example.com", Role::Admin, 3),
        })
        .await
        .unwrap();
    let err = store
        .departments()
        .create(
            site,
            NewDepartment {
                id: DepartmentId(id(50)),
                name: "Sales".into(),
                description: String::new(),
                members: vec![AgentId(id(1)), AgentId(id(3))],
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid { field, .. } if field == "members[1]"),
        "{err:?}"
    );
    let dept = store
        .departments()
        .create(
            site,
            NewDepartment {
                id: DepartmentId(id(50)),
                name: "Sales".into(),
                description: "d".into(),
                members: vec![AgentId(id(1))],
            },
        )
        .await
        .unwrap();
    assert_eq!(dept.members, vec![AgentId(id(1))]);
    let agent = store.agents().get(site, AgentId(id(1))).await.unwrap();
    assert_eq!(agent.department_ids, vec![DepartmentId(id(50))]);
    assert!(matches!(
        store.departments().get(other, dept.id).await,
        Err(StoreError::NotFound { .. })
    ));
    store.departments().delete(site, dept.id).await.unwrap();
    let agent = store.agents().get(site, AgentId(id(1))).await.unwrap();
    assert!(agent.department_ids.is_empty());
}

#[tokio::test]
async fn contacts_page_filter_and_conflict() {
    let (_dir, store, site) = store_with_site().await;
    for n in 0..7u128 {
        let mut external = BTreeMap::new();
        external.insert("facebook".to_string(), format!("fb{n}"));
        store
            .contacts()
            .create(
                site,
                NewContact {
                    id: ContactId(id(100 + n)),
                    name: format!("Person {}", 6 - n),
                    email: Some(format!("p{n}@example.com")),
                    phone: None,
                    external_ids: external,
                },
            )
            .await
            .unwrap();
    }
    let (page, total) = store
        .contacts()
        .list(
            site,
            ContactQuery {
                offset: 5,
                limit: 5,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 7);
    assert_eq!(
        page.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Person 5", "Person 6"]
    );
    let (found, total) = store
        .contacts()
        .list(
            site,
            ContactQuery {
                external_id: Some(("facebook".into(), "fb3".into())),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((found.len(), total), (1, 1));
    assert_eq!(found[0].email.as_deref(), Some("p3@example.com"));
    let (found, _) = store
        .contacts()
        .list(
            site,
            ContactQuery {
                keywords: Some("100%".into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(found.is_empty(), "LIKE wildcards are escaped");
    let err = store
        .contacts()
        .update(
            site,
            ContactId(id(100)),
            ContactChanges {
                email: Some(Some("P1@example.com".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let cleared = store
        .contacts()
        .update(
            site,
            ContactId(id(100)),
            ContactChanges {
                email: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.email, None);
}

#[tokio::test]
async fn tags_and_canned_responses_round_trip() {
    let (_dir, store, site) = store_with_site().await;
    let tag = store
        .tags()
        .create(site, TagId(id(7)), "billing".into())
        .await
        .unwrap();
    assert_eq!(tag.conversation_count, 0);
    assert!(matches!(
        store
            .tags()
            .create(site, TagId(id(8)), "Billing".into())
            .await,
        Err(StoreError::Conflict { .. })
    ));
    let renamed = store
        .tags()
        .rename(site, tag.id, "invoices".into())
        .await
        .unwrap();
    assert_eq!(renamed.name, "invoices");
    store.tags().delete(site, tag.id).await.unwrap();
    assert!(store.tags().list(site).await.unwrap().is_empty());

    let canned = store
        .canned_responses()
        .create(
            site,
            NewCannedResponse {
                id: id(9),
                name: "Thanks".into(),
                html_content: "<p>Thanks</p>".into(),
                text_content: "Thanks".into(),
            },
        )
        .await
        .unwrap();
    let updated = store
        .canned_responses()
        .update(
            site,
            canned.id,
            CannedResponseChanges {
                text_content: Some("Thank you".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.text_content, "Thank you");
    assert_eq!(updated.html_content, "<p>Thanks</p>");
}

#[tokio::test]
async fn concurrent_writes_are_serialized_and_all_land() {
    let (_dir, store, site) = store_with_site().await;
    let mut tasks = Vec::new();
    for n in 0..40u128 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .tags()
                .create(site, TagId(id(500 + n)), format!("tag{n}"))
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(store.tags().list(site).await.unwrap().len(), 40);
}

#[tokio::test]
async fn site_counters_number_from_one() {
    let (_dir, store, site) = store_with_site().await;
    let numbers = store
        .db
        .write(move |tx| {
            Ok((
                sql::next_site_number(tx, site.0, "conversation")?,
                sql::next_site_number(tx, site.0, "conversation")?,
                sql::next_site_number(tx, site.0, "message")?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(numbers, (1, 2, 1));
}

#[tokio::test]
async fn backup_is_a_consistent_copy() {
    let (dir, store, site) = store_with_site().await;
    let out = dir.path().join("copy.db");
    store.backup_to(&out).await.unwrap();
    assert!(matches!(
        store.backup_to(&out).await,
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(schema_version(&out).unwrap(), latest_version());
    let (copy, applied) = Store::open(&out, StoreOptions::default()).await.unwrap();
    assert!(applied.is_empty());
    assert_eq!(copy.sites().get(site).await.unwrap().name, "default");
}

#[tokio::test]
async fn writes_after_close_fail_cleanly() {
    let (_dir, store, site) = store_with_site().await;
    store.close().await;
    assert!(matches!(
        store.tags().create(site, TagId(id(7)), "x".into()).await,
        Err(StoreError::Unavailable(_))
    ));
}
