//! The allocation queue (SPEC §5.3): conversations that found no candidate wait, and are
//! given out in queue order whenever capacity may have appeared — an agent comes online, a
//! conversation closes, is reassigned or deleted, or the allocation settings change. One
//! write transaction reads the loads, runs the core's `allocate_waiting` and assigns, so the
//! capacity limits hold against concurrent requests. Each assignment is a system change of
//! the conversation (history, `assigneeIsChanged` triggers, SLA) like any other.

use super::intake::{after_change, agents_with_loads, allocation_state, changed_state, prepare};
use crate::app::AppState;
use crate::http::ApiResult;
use anytime_core::allocation::{
    allocate_waiting, counts_towards_load, AllocationConversation, AutoAllocationSetting,
};
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

/// Whether a change may have freed capacity, so the queue should run after it: allocation is
/// on, and the conversation stopped counting towards its agent's load (closed, deleted, moved
/// to a status the settings exclude) or left that agent. A reply that moves a conversation
/// between two counted statuses frees nothing, and skips the queue's write transaction.
pub fn frees_capacity(
    settings: &AutoAllocationSetting,
    before: &Conversation,
    after: &Conversation,
) -> bool {
    let counted = |c: &Conversation| {
        c.agent_assignee_id.is_some() && !c.is_deleted && counts_towards_load(settings, c.status)
    };
    settings.enable
        && counted(before)
        && (!counted(after) || after.agent_assignee_id != before.agent_assignee_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use anytime_core::model::{AgentId, Status};
    use uuid::Uuid;

    fn assigned(agent: u128, status: Status) -> Conversation {
        Conversation {
            agent_assignee_id: Some(AgentId(Uuid::from_u128(agent))),
            status,
            ..Conversation::default()
        }
    }

    #[test]
    fn only_a_change_that_frees_a_counted_slot_runs_the_queue() {
        let on = AutoAllocationSetting {
            enable: true,
            ..AutoAllocationSetting::default()
        };
        let new = assigned(1, Status::New);
        // Between two counted statuses: nothing freed (a reply's usual new → pendingExternal).
        assert!(!frees_capacity(
            &on,
            &new,
            &assigned(1, Status::PendingExternal)
        ));
        assert!(!frees_capacity(&on, &new, &new));
        // Closed, deleted, reassigned, unassigned: freed.
        assert!(frees_capacity(&on, &new, &assigned(1, Status::Closed)));
        let deleted = Conversation {
            is_deleted: true,
            ..new.clone()
        };
        assert!(frees_capacity(&on, &new, &deleted));
        assert!(frees_capacity(&on, &new, &assigned(2, Status::New)));
        let unassigned = Conversation {
            agent_assignee_id: None,
            ..new.clone()
        };
        assert!(frees_capacity(&on, &new, &unassigned));
        // A status the settings exclude from the load frees the slot.
        let excluding = AutoAllocationSetting {
            exclude_pending_external: true,
            exclude_on_hold: true,
            ..on.clone()
        };
        assert!(frees_capacity(
            &excluding,
            &new,
            &assigned(1, Status::PendingExternal)
        ));
        assert!(frees_capacity(
            &excluding,
            &new,
            &assigned(1, Status::OnHold)
        ));
        // Leaving a status that never counted frees nothing; a waiting one has no slot.
        let held = assigned(1, Status::OnHold);
        assert!(!frees_capacity(
            &excluding,
            &held,
            &assigned(1, Status::Closed)
        ));
        assert!(!frees_capacity(
            &on,
            &unassigned,
            &assigned(1, Status::Closed)
        ));
        // Allocation off: the queue never runs.
        let off = AutoAllocationSetting::default();
        assert!(!frees_capacity(&off, &new, &assigned(1, Status::Closed)));
    }
}
