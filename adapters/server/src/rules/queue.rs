//! The allocation queue (SPEC §5.3): conversations that found no candidate wait, and are
//! given out in queue order whenever capacity may have appeared — an agent comes online, a
//! conversation closes, is reassigned or deleted, or the allocation settings change. One
//! write transaction reads the loads, runs the core's `allocate_waiting` and assigns, so the
//! capacity limits hold against concurrent requests. Each assignment is a system change of
//! the conversation (history, `assigneeIsChanged` triggers, SLA) like any other.

use super::intake::{after_change, agents_with_loads, allocation_state, changed_state, prepare};
use crate::app::AppState;
use crate::http::ApiResult;
use anytime_core::allocation::{allocate_waiting, AllocationConversation};
use anytime_core::conversation::{apply_command, Action, Actor, Command, Env, Update};
use anytime_core::model::{Conversation, SiteId};
use anytime_store::ConversationChange;

/// Allocates the site's waiting conversations; returns how many were assigned.
pub async fn run(app: &AppState, site: SiteId) -> ApiResult<usize> {
    let p = prepare(app, site).await?;
    if !p.rules.allocation.enable {
        return Ok(0);
    }
    let assigned = app
        .store
        .conversations()
        .batch(site, move |batch| {
            let view = batch.view();
            let agents = agents_with_loads(&p, view)?;
            let (stored_state, mut state) = allocation_state(view)?;
            let mut waiting = Vec::new();
            for c in batch.unassigned_open()? {
                let last = match c.contact_id {
                    Some(contact) => view.last_assignee(contact, c.id)?,
                    None => None,
                };
                waiting.push(AllocationConversation::from_conversation(&c, last));
            }
            let queue = allocate_waiting(&p.rules.allocation, &agents, &waiting, &mut state);
            let now = anytime_store::now();
            for a in &queue.assignments {
                let (conversation, _messages) = batch.load(a.conversation_id)?;
                let before: Conversation = conversation.clone();
                let env = Env {
                    now,
                    fields: &p.fields,
                    known: &p.known,
                };
                let update = Update {
                    agent_assignee_id: Some(Some(a.agent_id)),
                    ..Update::default()
                };
                let outcome = apply_command(
                    conversation,
                    Command::new(Action::Update(Box::new(update)), Actor::System),
                    &env,
                )?;
                let change: ConversationChange = after_change(&p, view, &before, outcome, now)?;
                batch.save(&change)?;
            }
            if let Some((name, value)) = changed_state(stored_state.as_ref(), &state)? {
                batch.write_document(&name, &value)?;
            }
            Ok(queue.assignments.len())
        })
        .await?;
    Ok(assigned)
}

/// Runs the queue and logs instead of failing: callers use it after their own change has
/// committed, which must not be reported as failed because of the queue.
pub async fn run_logged(app: &AppState, site: SiteId) {
    match run(app, site).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(assigned = n, "waiting conversations allocated"),
        Err(e) => tracing::warn!(error = ?e, "allocation queue failed"),
    }
}
