//! Background work that happens with time rather than requests (SPEC §5.4). Its state lives
//! in SQLite, so a restart loses nothing: a due stay timer is deleted in the transaction that
//! fires it, hence fires exactly once, and one missed while the server was down fires on
//! the first round after start.

use crate::app::AppState;
use crate::rules::intake;
use anytime_store::{DueTimer, StoreError};

use std::time::Duration;

/// Timers handled per round; the rest wait for the next one.
const BATCH: u32 = 200;

/// Runs the worker rounds forever at the configured interval; errors are logged, not fatal.
pub async fn run(app: AppState) {
    let every = Duration::from_millis(app.config.worker_interval_ms.max(10));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match fire_due_timers(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(fired = n, "stay timers fired"),
            Err(e) => tracing::warn!(error = %e, "stay timer round failed"),
        }
        match crate::breach_worker::check_due_breaches(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(checked = n, "SLA due instants checked"),
            Err(e) => tracing::warn!(error = %e, "SLA breach round failed"),
        }
    }
}

/// Fires every stay timer due now; returns how many were taken.
pub async fn fire_due_timers(app: &AppState) -> Result<usize, String> {
    let now = anytime_store::now();
    let due = app
        .store
        .conversations()
        .due_timers(now, BATCH)
        .await
        .map_err(|e| e.to_string())?;
    let mut fired = 0;
    for timer in due {
        match fire(app, timer).await {
            Ok(()) => fired += 1,
            Err(e) => tracing::warn!(error = %e, "stay timer not fired"),
        }
    }
    Ok(fired)
}

async fn fire(app: &AppState, timer: DueTimer) -> Result<(), String> {
    let prepared = intake::prepare(app, timer.site)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let now = anytime_store::now();
    let result = app
        .store
        .conversations()
        .change_in(
            timer.site,
            timer.conversation,
            move |conversation, _messages, _ids, view| {
                if !view.take_timer(timer.id)? {
                    return Err(StoreError::Conflict {
                        message: "timer already fired".into(),
                    });
                }
                intake::after_stay(
                    &prepared,
                    view,
                    conversation,
                    timer.trigger_id,
                    timer.status,
                    now,
                )
            },
        )
        .await;
    match result {
        Ok(_) | Err(StoreError::Conflict { .. }) => Ok(()),
        Err(StoreError::NotFound { .. }) => {
            // The conversation is gone: drop its orphan timer so it is not retried forever.
            app.store
                .conversations()
                .drop_timer(timer.id)
                .await
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}
