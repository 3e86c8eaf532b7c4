//! `EXPLAIN QUERY PLAN` checks for the statements that must stay fast at a million
//! conversations (docs/benchmarks.md, scale): each must search a B-tree, never scan a table.

use rusqlite::Connection;

/// The plan's detail lines, joined.
fn plan(conn: &Connection, sql: &str) -> String {
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    rows.join("\n")
}

async fn migrated() -> (tempfile::TempDir, Connection) {
    let (dir, store, _) = crate::tests::store_with_site().await;
    store.close().await;
    let conn = Connection::open(dir.path().join("t.db")).unwrap();
    (dir, conn)
}

#[tokio::test]
async fn keyword_index_rows_are_found_by_key() {
    let (_dir, conn) = migrated().await;
    for sql in [
        "SELECT search_rowid FROM conversation_search_keys WHERE site_id = 's' AND message_id = 0 AND conversation_id = 1",
        "SELECT search_rowid FROM conversation_search_keys WHERE site_id = 's' AND message_id = 7",
    ] {
        let p = plan(&conn, sql);
        assert!(
            p.contains("USING COVERING INDEX conversation_search_keys_by_item"),
            "{sql}\n{p}"
        );
    }
    // FTS5 always reports a "SCAN" of the virtual table; `:=` is its rowid-equality lookup.
    let p = plan(&conn, "DELETE FROM conversation_search WHERE rowid = 5");
    assert!(p.contains("VIRTUAL TABLE INDEX 0:="), "{p}");
}

#[tokio::test]
async fn allocation_counts_only_open_rows() {
    let (_dir, conn) = migrated().await;
    // TxView::agent_loads: the counts the triggers keep, by key.
    let p = plan(
        &conn,
        "SELECT agent_id, status, open FROM agent_open_loads WHERE site_id = 's' AND open > 0",
    );
    assert!(
        p.contains("SEARCH agent_open_loads USING PRIMARY KEY (site_id=?)"),
        "{p}"
    );
}

#[tokio::test]
async fn the_open_list_reads_the_open_index_only() {
    let (_dir, conn) = migrated().await;
    // Conversations::list with status=open, the default 30-day window.
    let cond = "c.site_id = 's' AND c.is_deleted = 0
        AND c.status IN ('new','pendingInternal','pendingExternal','onHold')
        AND c.status <> 'closed'
        AND coalesce(c.last_replied_time, c.created_time) >= '2026-01-01'";
    for index in ["conversations_open", "conversations_open_by_breach"] {
        let count = plan(
            &conn,
            &format!("SELECT count(*) FROM conversations c INDEXED BY {index} WHERE {cond}"),
        );
        assert!(
            count.contains(&format!("COVERING INDEX {index}")),
            "{count}"
        );
    }
    // By next SLA breach, soonest first: the page's ids in the index's order, no sort.
    let page = plan(
        &conn,
        &format!(
            "SELECT c.id FROM conversations c INDEXED BY conversations_open_by_breach WHERE {cond}
             ORDER BY c.next_breach_at IS NULL, c.next_breach_at ASC, c.id ASC LIMIT 50 OFFSET 0"
        ),
    );
    assert!(
        page.contains("COVERING INDEX conversations_open_by_breach"),
        "{page}"
    );
    assert!(!page.contains("TEMP B-TREE"), "{page}");
    // Any other order: only the open conversations' entries, from the index alone.
    let page = plan(
        &conn,
        &format!(
            "SELECT c.id FROM conversations c INDEXED BY conversations_open WHERE {cond}
             ORDER BY c.last_activity_time DESC, c.id DESC LIMIT 50 OFFSET 0"
        ),
    );
    assert!(page.contains("COVERING INDEX conversations_open"), "{page}");
    assert!(!page.contains("SCAN c"), "{page}");
}

#[tokio::test]
async fn keyword_search_starts_from_the_matches() {
    let (_dir, conn) = migrated().await;
    // Conversations::list with keywords (the FROM it builds), default window.
    let p = plan(
        &conn,
        "SELECT c.id, count(*) OVER () FROM (SELECT DISTINCT k.conversation_id AS cid
              FROM conversation_search s
              CROSS JOIN conversation_search_keys k ON k.search_rowid = s.rowid
              WHERE s.conversation_search MATCH 'kalo' AND k.site_id = 's') m
         CROSS JOIN conversations c ON c.id = m.cid
         WHERE c.site_id = 's' AND c.is_deleted = 0
           AND coalesce(c.last_replied_time, c.created_time) >= '2026-01-01'
         ORDER BY c.last_activity_time DESC, c.id DESC LIMIT 50 OFFSET 0",
    );
    let lines: Vec<&str> = p.lines().collect();
    let at = |needle: &str| lines.iter().position(|l| l.contains(needle));
    let fts = at("VIRTUAL TABLE INDEX 0:M");
    // Each match's site from the key table by its integer key, not from the FTS row.
    let keys = at("SEARCH k USING INTEGER PRIMARY KEY (rowid=?)");
    // The window and the sort key from an index, not from each match's row.
    let conv = at("SEARCH c USING COVERING INDEX conversations_by_id_window");
    assert!(
        matches!((fts, keys, conv), (Some(a), Some(b), Some(c)) if a < b && b < c),
        "{p}"
    );
}

#[tokio::test]
async fn the_keyword_index_holds_only_text() {
    let (_dir, conn) = migrated().await;
    // Contentless (no content table to read per match) with deletable rows.
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'conversation_search'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        sql.contains("content = ''") && sql.contains("contentless_delete = 1"),
        "{sql}"
    );
    let content: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'conversation_search_content'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(content, 0);
    // Commits never carry on an incremental merge (migration 0014).
    let automerge: i64 = conn
        .query_row(
            "SELECT v FROM conversation_search_config WHERE k = 'automerge'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(automerge, 0);
}

#[tokio::test]
async fn a_saved_filter_reads_the_window_index_only() {
    let (_dir, conn) = migrated().await;
    // Conversations::list with a saved filter (priority is high), the default window, by
    // next SLA breach: the count and the page's ids come from the index alone.
    let cond = "c.site_id = 's' AND c.is_deleted = 0
        AND coalesce(c.last_replied_time, c.created_time) >= '2026-01-01'
        AND (c.priority_rank = 1)";
    let from = "conversations c INDEXED BY conversations_by_window";
    let count = plan(&conn, &format!("SELECT count(*) FROM {from} WHERE {cond}"));
    assert!(
        count.contains("SEARCH c USING COVERING INDEX conversations_by_window"),
        "{count}"
    );
    let page = plan(
        &conn,
        &format!(
            "SELECT c.id FROM {from} WHERE {cond}
             ORDER BY c.next_breach_at IS NULL, c.next_breach_at ASC, c.id ASC LIMIT 50 OFFSET 0"
        ),
    );
    assert!(
        page.contains("SEARCH c USING COVERING INDEX conversations_by_window"),
        "{page}"
    );
    // The snapshots of the page, by key.
    let load = plan(
        &conn,
        "SELECT snapshot FROM conversations WHERE site_id = 's' AND id = 7",
    );
    assert!(
        load.contains("USING INDEX sqlite_autoindex_conversations_1 (site_id=? AND id=?)"),
        "{load}"
    );
}

#[tokio::test]
async fn the_allocation_queue_reads_only_waiting_rows() {
    let (_dir, conn) = migrated().await;
    // Batch::unassigned_open
    let p = plan(
        &conn,
        "SELECT snapshot FROM conversations
         WHERE site_id = 's' AND is_deleted = 0 AND status <> 'closed'
           AND agent_assignee_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM conversation_history h
               WHERE h.site_id = conversations.site_id AND h.conversation_id = conversations.id
                 AND json_extract(h.entry, '$.field') = 'x')
         ORDER BY id",
    );
    assert!(
        p.contains("SEARCH conversations USING INDEX conversations_waiting"),
        "{p}"
    );
    assert!(!p.contains("TEMP B-TREE"), "{p}");
}
