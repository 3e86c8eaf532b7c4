//! The SLA breach worker (SPEC §5.4, §5.6): each round reads the due instants that have come
//! (`sla_due`, kept by the store from every save) and rechecks those conversations; the
//! recheck records each breach once and fires `slaBreached` in the same transaction (see
//! `rules::breaches`). A due row is deleted in that transaction, so a round interrupted by a
//! restart is simply redone and never fires twice.

use crate::app::AppState;
use crate::rules::intake;
use anytime_store::{DueBreach, StoreError};

/// Due rows handled per round; the rest wait for the next one.
const BATCH: u32 = 200;

/// Rechecks every conversation with a due instant that has come; returns how many.
pub async fn check_due_breaches(app: &AppState) -> Result<usize, String> {
    let due = app
        .store
        .conversations()
        .due_breaches(anytime_store::now(), BATCH)
        .await
        .map_err(|e| e.to_string())?;
    let mut checked = 0;
    for row in due {
        match recheck(app, row).await {
            Ok(()) => checked += 1,
            Err(e) => tracing::warn!(error = %e, "SLA due instant not checked"),
        }
    }
    Ok(checked)
}

async fn recheck(app: &AppState, row: DueBreach) -> Result<(), String> {
    let prepared = intake::prepare(app, row.site)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let now = anytime_store::now();
    let result = app
        .store
        .conversations()
        .change_in(
            row.site,
            row.conversation,
            move |conversation, _messages, _ids, view| {
                if !view.take_due(row.id)? {
                    return Err(StoreError::Conflict {
                        message: "due instant already handled".into(),
                    });
                }
                intake::after_due(&prepared, view, conversation, now)
            },
        )
        .await;
    match result {
        Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
        Err(StoreError::NotFound { .. }) => app
            .store
            .conversations()
            .drop_due(row.id)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}
