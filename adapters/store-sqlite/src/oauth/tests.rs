//! OAuth rows against a real SQLite file: single-use codes, rotation, family revocation.

use super::*;
use crate::{NewAgent, NewSite, StoreOptions};
use anytime_core::model::AgentStatus;
use chrono::Duration;

const SITE: SiteId = SiteId(Uuid::from_u128(1000));
const ADMIN: AgentId = AgentId(Uuid::from_u128(1));
const CLIENT: Uuid = Uuid::from_u128(77);

fn hash(n: u8) -> KeyHash {
    KeyHash([n; 32])
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

async fn setup() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::open(dir.path().join("t.db"), StoreOptions::default())
        .await
        .unwrap();
    store
        .sites()
        .create(NewSite {
            id: SITE,
            name: "default".into(),
            admin: NewAgent {
                id: ADMIN,
                name: "Admin".into(),
                email: "admin@example.com".into(),
                role: Role::Admin,
                is_active: true,
                status: AgentStatus::Offline,
                department_ids: vec![],
                password_hash: Some("$argon2id$x".into()),
                api_key: hash(200),
            },
        })
        .await
        .unwrap();
    store
        .oauth()
        .create_client(
            SITE,
            NewOAuthClient {
                id: CLIENT,
                name: "App".into(),
                redirect_uris: vec!["https://app.example/cb".into()],
                secret_hash: Some(hash(100)),
            },
        )
        .await
        .unwrap();
    (dir, store)
}

fn code() -> AuthorizationCode {
    AuthorizationCode {
        site_id: SITE,
        client_id: CLIENT,
        agent_id: ADMIN,
        redirect_uri: "https://app.example/cb".into(),
        code_challenge: "c".repeat(43),
        scope: "api".into(),
        expires_time: now() + Duration::seconds(60),
    }
}

fn pair(n: u8) -> TokenPair {
    TokenPair {
        access: hash(n),
        access_expires: now() + Duration::hours(1),
        refresh: hash(n + 1),
        refresh_expires: now() + Duration::days(30),
    }
}

async fn redeem(store: &Store, code: u8, p: TokenPair) -> CodeRedemption<()> {
    store
        .oauth()
        .redeem_code(
            hash(code),
            Uuid::from_u128(u128::from(p.access.0[0])),
            p,
            now(),
            |_| Ok(()),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn clients_are_kept_with_their_secret_hash() {
    let (_dir, store) = setup().await;
    let (client, secret) = store.oauth().find_client(CLIENT).await.unwrap().unwrap();
    assert!(client.is_confidential);
    assert_eq!(secret, Some(hash(100)));
    assert_eq!(
        client.redirect_uris,
        vec!["https://app.example/cb".to_string()]
    );
    let other = SiteId(Uuid::from_u128(5));
    assert!(store.oauth().get_client(other, CLIENT).await.is_err());
    let changed = store
        .oauth()
        .update_client(
            SITE,
            CLIENT,
            OAuthClientChanges {
                name: Some("Renamed".into()),
                redirect_uris: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.name, "Renamed");
    assert_eq!(store.oauth().list_clients(SITE).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_code_is_redeemed_once_and_a_replay_revokes_its_tokens() {
    let (_dir, store) = setup().await;
    store
        .oauth()
        .insert_code(hash(1), code(), now())
        .await
        .unwrap();
    assert_eq!(
        redeem(&store, 1, pair(10)).await,
        CodeRedemption::Issued {
            scope: "api".into()
        }
    );
    let cred = store
        .oauth()
        .credential_for_access_token(hash(10))
        .await
        .unwrap();
    assert_eq!(cred.map(|(c, _)| c.agent_id), Some(ADMIN));
    assert_eq!(redeem(&store, 1, pair(20)).await, CodeRedemption::Replayed);
    assert!(store
        .oauth()
        .credential_for_access_token(hash(10))
        .await
        .unwrap()
        .is_none());
    assert_eq!(redeem(&store, 9, pair(30)).await, CodeRedemption::Unknown);
}

#[tokio::test]
async fn a_rejected_code_is_used_up() {
    let (_dir, store) = setup().await;
    store
        .oauth()
        .insert_code(hash(1), code(), now())
        .await
        .unwrap();
    let refused = store
        .oauth()
        .redeem_code(hash(1), Uuid::from_u128(1), pair(10), now(), |_| {
            Err("bad verifier")
        })
        .await
        .unwrap();
    assert_eq!(refused, CodeRedemption::Rejected("bad verifier"));
    assert_eq!(redeem(&store, 1, pair(20)).await, CodeRedemption::Replayed);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let (_dir, store) = setup().await;
    store
        .oauth()
        .insert_code(hash(1), code(), now())
        .await
        .unwrap();
    redeem(&store, 1, pair(10)).await;
    let o = store.oauth();
    let wrong_client = o
        .rotate_refresh(hash(11), Uuid::from_u128(5), pair(20), now())
        .await;
    assert_eq!(wrong_client.unwrap(), RefreshOutcome::Invalid);
    let first = o
        .rotate_refresh(hash(11), CLIENT, pair(20), now())
        .await
        .unwrap();
    assert_eq!(
        first,
        RefreshOutcome::Issued {
            scope: "api".into()
        }
    );
    assert!(o
        .credential_for_access_token(hash(20))
        .await
        .unwrap()
        .is_some());
    // The retired token comes back: every token of the family goes.
    let again = o
        .rotate_refresh(hash(11), CLIENT, pair(30), now())
        .await
        .unwrap();
    assert_eq!(again, RefreshOutcome::Reused);
    for h in [10, 20] {
        assert!(o
            .credential_for_access_token(hash(h))
            .await
            .unwrap()
            .is_none());
    }
    let newest = o
        .rotate_refresh(hash(21), CLIENT, pair(40), now())
        .await
        .unwrap();
    assert_eq!(newest, RefreshOutcome::Invalid);
}

#[tokio::test]
async fn expired_refresh_tokens_are_refused() {
    let (_dir, store) = setup().await;
    store
        .oauth()
        .insert_code(hash(1), code(), now())
        .await
        .unwrap();
    redeem(&store, 1, pair(10)).await;
    let later = now() + Duration::days(31);
    let o = store.oauth();
    let r = o
        .rotate_refresh(hash(11), CLIENT, pair(20), later)
        .await
        .unwrap();
    assert_eq!(r, RefreshOutcome::Invalid);
}

#[tokio::test]
async fn revocation_is_per_client_and_a_refresh_token_takes_its_family() {
    let (_dir, store) = setup().await;
    store
        .oauth()
        .insert_code(hash(1), code(), now())
        .await
        .unwrap();
    redeem(&store, 1, pair(10)).await;
    let o = store.oauth();
    assert!(!o.revoke(hash(11), Uuid::from_u128(5)).await.unwrap());
    assert!(o.revoke(hash(11), CLIENT).await.unwrap());
    assert!(o
        .credential_for_access_token(hash(10))
        .await
        .unwrap()
        .is_none());
    assert!(!o.revoke(hash(11), CLIENT).await.unwrap());
}

#[tokio::test]
async fn disabling_the_agent_or_deleting_the_client_revokes_tokens() {
    let (_dir, store) = setup().await;
    let o = store.oauth();
    o.insert_code(hash(1), code(), now()).await.unwrap();
    redeem(&store, 1, pair(10)).await;
    store
        .agents()
        .update(
            SITE,
            ADMIN,
            crate::AgentChanges {
                password_hash: Some("$argon2id$y".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(o
        .credential_for_access_token(hash(10))
        .await
        .unwrap()
        .is_none());
    o.insert_code(hash(2), code(), now()).await.unwrap();
    redeem(&store, 2, pair(30)).await;
    assert!(o
        .credential_for_access_token(hash(30))
        .await
        .unwrap()
        .is_some());
    o.delete_client(SITE, CLIENT).await.unwrap();
    assert!(o
        .credential_for_access_token(hash(30))
        .await
        .unwrap()
        .is_none());
}
