//! The per-agent open counts kept by triggers (migration 0014) against a count of the rows
//! themselves, after inserts, updates and deletes of every kind; and the keyword index after
//! it lost its content table.

use rusqlite::Connection;

async fn migrated() -> (tempfile::TempDir, Connection, String) {
    let (dir, store, site) = crate::tests::store_with_site().await;
    store.close().await;
    let conn = Connection::open(dir.path().join("t.db")).unwrap();
    (dir, conn, site.to_string())
}

fn counted(conn: &Connection, site: &str) -> Vec<(String, String, i64)> {
    conn.prepare(
        "SELECT agent_assignee_id, status, count(*) FROM conversations
         WHERE site_id = ?1 AND is_deleted = 0 AND status <> 'closed' AND agent_assignee_id IS NOT NULL
         GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .unwrap()
    .query_map([site], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn kept(conn: &Connection, site: &str) -> Vec<(String, String, i64)> {
    conn.prepare(
        "SELECT agent_id, status, open FROM agent_open_loads WHERE site_id = ?1 AND open > 0
         ORDER BY 1, 2",
    )
    .unwrap()
    .query_map([site], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[tokio::test]
async fn open_loads_follow_every_change_of_a_row() {
    let (_dir, conn, site) = migrated().await;
    let statuses = [
        "new",
        "pendingInternal",
        "pendingExternal",
        "onHold",
        "closed",
    ];
    let agents = [None, Some("a1"), Some("a2"), Some("a3")];
    // A small linear congruential sequence: deterministic, every kind of transition.
    let mut x: u64 = 7;
    let mut next = |n: usize| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((x >> 33) % n as u64) as usize
    };
    for step in 0..2_000 {
        let id = 1 + next(60) as i64;
        let status = statuses[next(statuses.len())];
        let agent = agents[next(agents.len())];
        let deleted = next(10) == 0;
        match next(10) {
            // The store's own upsert (put_row's shape): insert or update every column.
            0..=6 => conn
                .execute(
                    "INSERT INTO conversations (site_id, id, status, status_rank, priority_rank,
                         channel, agent_assignee_id, is_deleted, is_read, created_time,
                         last_activity_time, snapshot)
                     VALUES (?1, ?2, ?3, 0, 0, 'api', ?4, ?5, 0, '', '', '{}')
                     ON CONFLICT (site_id, id) DO UPDATE SET status = excluded.status,
                         agent_assignee_id = excluded.agent_assignee_id,
                         is_deleted = excluded.is_deleted",
                    rusqlite::params![site, id, status, agent, deleted],
                )
                .unwrap(),
            7 => conn
                .execute(
                    "UPDATE conversations SET agent_assignee_id = ?3 WHERE site_id = ?1 AND id = ?2",
                    rusqlite::params![site, id, agent],
                )
                .unwrap(),
            8 => conn
                .execute(
                    "UPDATE conversations SET status = ?3 WHERE site_id = ?1 AND id = ?2",
                    rusqlite::params![site, id, status],
                )
                .unwrap(),
            _ => conn
                .execute(
                    "DELETE FROM conversations WHERE site_id = ?1 AND id = ?2",
                    rusqlite::params![site, id],
                )
                .unwrap(),
        };
        if step % 97 == 0 {
            assert_eq!(
                kept(&conn, &site),
                counted(&conn, &site),
                "after step {step}"
            );
        }
    }
    assert!(!counted(&conn, &site).is_empty());
    assert_eq!(kept(&conn, &site), counted(&conn, &site));
}

#[tokio::test]
async fn a_reused_keyword_rowid_finds_only_the_new_text() {
    let (_dir, conn, site) = migrated().await;
    crate::search::add(&conn, &site, 1, 0, "printer fire").unwrap();
    crate::search::add(&conn, &site, 1, 5, "paper jam").unwrap();
    let before: i64 = conn
        .query_row(
            "SELECT max(search_rowid) FROM conversation_search_keys",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // The newest row removed and a row added: the integer keys hand out the same rowid again.
    crate::search::remove_message(&conn, &site, 5).unwrap();
    crate::search::add(&conn, &site, 1, 6, "toner low").unwrap();
    let after: i64 = conn
        .query_row(
            "SELECT max(search_rowid) FROM conversation_search_keys",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(before, after, "the rowid was reused");
    let hits = |word: &str| -> Vec<i64> {
        conn.prepare(
            "SELECT k.message_id FROM conversation_search s
             CROSS JOIN conversation_search_keys k ON k.search_rowid = s.rowid
             WHERE s.conversation_search MATCH ?1 AND k.site_id = ?2 ORDER BY 1",
        )
        .unwrap()
        .query_map((word, &site), |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    assert_eq!(hits("jam"), Vec::<i64>::new());
    assert_eq!(hits("toner"), vec![6]);
    assert_eq!(hits("printer"), vec![0]);
    assert_eq!(hits("printer").len() + hits("toner").len(), 2);
    let other_site: Vec<i64> = conn
        .prepare(
            "SELECT k.message_id FROM conversation_search s
             CROSS JOIN conversation_search_keys k ON k.search_rowid = s.rowid
             WHERE s.conversation_search MATCH 'toner' AND k.site_id = 'elsewhere'",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(other_site.is_empty());
}
