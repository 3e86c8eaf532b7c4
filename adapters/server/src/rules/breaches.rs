//! `slaBreached` (SPEC §5.4, §5.6): every change recomputes the SLA targets against `now`,
//! and a breach the store has not recorded yet runs the `slaBreached` triggers once and is
//! recorded in the same transaction. The breach worker merely causes such a recompute when a
//! due instant comes with no other activity, so late replies and restarts lose no breach
//! and none fires twice.

use super::intake::{context, Prepared};
use anytime_core::conversation::Env;
use anytime_core::conversation::{Event, HistoryEntry, Origin};
use anytime_core::model::{Conversation, FieldValue, TimelineItem};
use anytime_core::sla::{Breach, SlaTarget};
use anytime_core::trigger::{run_triggers, Effect, Occurrence, RunEnv, TriggerEvent};
use anytime_store::{StoreResult, TxView};
use chrono::{DateTime, Utc};

/// What firing the new breaches did to the conversation.
pub(super) struct Fired {
    pub conversation: Conversation,
    pub history: Vec<HistoryEntry>,
    pub events: Vec<Event>,
    pub effects: Vec<Effect>,
    /// To record with the change.
    pub breaches: Vec<Breach>,
}

fn target_name(t: SlaTarget) -> &'static str {
    match t {
        SlaTarget::FirstResponse => "firstResponse",
        SlaTarget::NextResponse => "nextResponse",
        SlaTarget::Resolution => "resolution",
    }
}

/// Finds the breaches of `conversation` (with its full `timeline`) not yet recorded and runs
/// the `slaBreached` triggers once for each, oldest first. A deleted conversation breaches
/// nothing.
pub(super) fn fire_new(
    p: &Prepared,
    view: &TxView<'_>,
    conversation: Conversation,
    timeline: &[TimelineItem],
    now: DateTime<Utc>,
) -> StoreResult<Fired> {
    let mut out = Fired {
        conversation,
        history: Vec::new(),
        events: Vec::new(),
        effects: Vec::new(),
        breaches: Vec::new(),
    };
    if out.conversation.is_deleted {
        return Ok(out);
    }
    let ctx = context(now);
    let sla = p
        .rules
        .sla
        .compute(&out.conversation, &ctx, timeline, now)?;
    let new = view.unrecorded_breaches(out.conversation.id, &sla.targets.breaches)?;
    if new.is_empty() {
        return Ok(out);
    }
    let env = Env {
        now,
        fields: &p.fields,
        known: &p.known,
    };
    let run_env = RunEnv {
        env: &env,
        context: &ctx,
        agents: &p.agents,
        site: &p.rules.site,
    };
    for breach in new {
        out.history.push(HistoryEntry::new(
            &Origin::default(),
            breach.breached_at,
            "slaBreached",
            None,
            Some(FieldValue::Text(target_name(breach.target).to_string())),
        ));
        let run = run_triggers(
            &p.rules.triggers,
            Occurrence {
                event: TriggerEvent::SlaBreached,
                trigger_id: None,
            },
            out.conversation,
            &run_env,
        )?;
        out.conversation = run.conversation;
        out.history.extend(run.history);
        out.events.extend(run.events);
        out.effects.extend(run.effects);
        out.breaches.push(breach);
    }
    Ok(out)
}
