//! The service functions: build a core command, run it on the stored conversation, persist.

use super::details::CheckedExtras;
use crate::app::AppState;
use crate::auth::Caller;
use crate::http::{ApiError, ApiResult};
use crate::rules::{intake, queue};
use anytime_core::conversation::{apply_command, Action, Actor, Command, Env, Merge, Message};
use anytime_core::field_validation::Known;
use anytime_core::model::AgentId;
use anytime_core::model::{Conversation, ConversationId, FieldSet, MessageId, SiteId};
use anytime_core::CoreError;
use anytime_store::{ConversationChange, NextIds, StoreResult, TxView};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What the command may see: the site's agents and departments (for assignee checks) and
/// its custom fields (values validated, required ones enforced on closing).
async fn known(app: &AppState, site: SiteId) -> ApiResult<(Known, FieldSet)> {
    let known = crate::fields::known(app, site).await?;
    let fields = crate::fields::field_set(app, site).await?;
    Ok((known, fields))
}

fn not_found() -> CoreError {
    CoreError::NotFound {
        message: "conversation not found".into(),
    }
}

/// Which stored conversations an endpoint acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bin {
    Live,
    Deleted,
}

impl Bin {
    fn admits(self, c: &Conversation) -> bool {
        c.is_deleted == (self == Bin::Deleted)
    }
}

pub fn actor(caller: &Caller) -> Actor {
    Actor::Agent(caller.agent_id)
}

/// Creates a conversation; `build` gets the fresh ids and returns the `create` action. The
/// new-conversation pipeline (routing, allocation, triggers, SLA) runs in the same
/// transaction, and so does storing `extras` (source, addresses, attachments) for the first
/// message.
pub async fn create_with(
    app: &AppState,
    caller: Caller,
    extras: Option<CheckedExtras>,
    build: impl FnOnce(NextIds) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    let extras = extras.map(|e| (e, caller.agent_id));
    create_in(app, caller.site_id, actor(&caller), extras, build).await
}

/// [`create_with`] for any actor (a contact submitting through the portal); `extras` are
/// the first message's, their uploads `caller`'s.
pub async fn create_as(
    app: &AppState,
    caller: Caller,
    actor: Actor,
    extras: Option<CheckedExtras>,
    build: impl FnOnce(NextIds) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    let extras = extras.map(|e| (e, caller.agent_id));
    create_in(app, caller.site_id, actor, extras, build).await
}

async fn create_in(
    app: &AppState,
    site: SiteId,
    actor: Actor,
    extras: Option<(CheckedExtras, AgentId)>,
    build: impl FnOnce(NextIds) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    let prepared = intake::prepare(app, site).await?;
    Ok(app
        .store
        .conversations()
        .create_in(site, move |ids, view| {
            let conversation = Conversation {
                id: ids.conversation,
                ..Default::default()
            };
            let action = build(ids);
            let explicit = intake::names_assignee(&action);
            let now = anytime_store::now();
            let env = Env {
                now,
                fields: &prepared.fields,
                known: &prepared.known,
            };
            let created = apply_command(conversation, Command::new(action, actor), &env)?;
            let mut change = intake::admit_created(&prepared, view, created, explicit, now)?;
            if let Some((extras, uploader)) = extras {
                change
                    .extras
                    .message_details
                    .push(extras.for_message(ids.message, uploader));
            }
            Ok(change)
        })
        .await?)
}

/// Applies an action to a conversation in `bin`, then recomputes its SLA targets.
pub async fn apply(
    app: &AppState,
    caller: Caller,
    id: ConversationId,
    bin: Bin,
    build: impl FnOnce(MessageId) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    apply_in(
        app,
        caller.site_id,
        actor(&caller),
        id,
        bin,
        None,
        |_| true,
        build,
    )
    .await
}

/// [`apply`] to a live conversation whose new message carries `extras`.
pub async fn apply_with(
    app: &AppState,
    caller: Caller,
    id: ConversationId,
    extras: Option<CheckedExtras>,
    build: impl FnOnce(MessageId) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    let extras = extras.map(|e| (e, caller.agent_id));
    let actor = actor(&caller);
    apply_in(
        app,
        caller.site_id,
        actor,
        id,
        Bin::Live,
        extras,
        |_| true,
        build,
    )
    .await
}

/// [`apply`] for any actor, on a conversation `visible` admits (else 404) — the portal acts
/// as a contact on that contact's conversations only. A new message carries `extras`, their
/// uploads `caller`'s.
#[allow(clippy::too_many_arguments)] // the portal names each
pub async fn apply_as(
    app: &AppState,
    caller: Caller,
    actor: Actor,
    id: ConversationId,
    bin: Bin,
    extras: Option<CheckedExtras>,
    visible: impl FnOnce(&Conversation) -> bool + Send + 'static,
    build: impl FnOnce(MessageId) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    let extras = extras.map(|e| (e, caller.agent_id));
    apply_in(app, caller.site_id, actor, id, bin, extras, visible, build).await
}

#[allow(clippy::too_many_arguments)] // the three public entry points above name them
async fn apply_in(
    app: &AppState,
    site: SiteId,
    actor: Actor,
    id: ConversationId,
    bin: Bin,
    extras: Option<(CheckedExtras, AgentId)>,
    visible: impl FnOnce(&Conversation) -> bool + Send + 'static,
    build: impl FnOnce(MessageId) -> Action + Send + 'static,
) -> ApiResult<ConversationChange> {
    let prepared = intake::prepare(app, site).await?;
    let allocation = prepared.rules.allocation.clone();
    // Set inside the transaction when the change may free an agent's capacity.
    let frees = Arc::new(AtomicBool::new(false));
    let flag = frees.clone();
    let change = app
        .store
        .conversations()
        .change_in(site, id, move |conversation, _messages, ids, view| {
            if !visible(&conversation) {
                return Err(not_found().into());
            }
            let before = conversation.clone();
            let mut change = step(
                &prepared,
                view,
                conversation,
                bin,
                actor,
                build(ids.message),
            )?;
            flag.store(
                anytime_core::allocation::frees_capacity(
                    &allocation,
                    &before,
                    &change.conversation,
                ),
                Ordering::Relaxed,
            );
            let added = change.messages.iter().any(|m| m.id == ids.message);
            if let Some((extras, uploader)) = extras.filter(|_| added) {
                change
                    .extras
                    .message_details
                    .push(extras.for_message(ids.message, uploader));
            }
            Ok(change)
        })
        .await?;
    if frees.load(Ordering::Relaxed) {
        queue::run_logged(app, site).await;
    }
    Ok(change)
}

/// [`apply`] to several live conversations in one transaction (batch update and delete):
/// all change or none; an id that is missing or deleted is a 400 naming `ids[i]`.
pub async fn apply_each(
    app: &AppState,
    caller: Caller,
    ids: Vec<ConversationId>,
    build: impl Fn(MessageId) -> Action + Send + 'static,
) -> ApiResult<Vec<ConversationChange>> {
    let prepared = intake::prepare(app, caller.site_id).await?;
    let allocation = prepared.rules.allocation.clone();
    let actor = actor(&caller);
    let frees = Arc::new(AtomicBool::new(false));
    let flag = frees.clone();
    let changes = app
        .store
        .conversations()
        .change_each_in(
            caller.site_id,
            ids,
            move |conversation, _messages, ids, view| {
                let before = conversation.clone();
                let change = step(
                    &prepared,
                    view,
                    conversation,
                    Bin::Live,
                    actor,
                    build(ids.message),
                )?;
                if anytime_core::allocation::frees_capacity(
                    &allocation,
                    &before,
                    &change.conversation,
                ) {
                    flag.store(true, Ordering::Relaxed);
                }
                Ok(change)
            },
        )
        .await?;
    if frees.load(Ordering::Relaxed) {
        queue::run_logged(app, caller.site_id).await;
    }
    Ok(changes)
}

/// One conversation's change inside the write: the command, then triggers and SLA.
fn step(
    prepared: &intake::Prepared,
    view: &TxView<'_>,
    conversation: Conversation,
    bin: Bin,
    actor: Actor,
    action: Action,
) -> StoreResult<ConversationChange> {
    if !bin.admits(&conversation) {
        return Err(not_found().into());
    }
    let before = conversation.clone();
    let now = anytime_store::now();
    let env = Env {
        now,
        fields: &prepared.fields,
        known: &prepared.known,
    };
    let outcome = apply_command(conversation, Command::new(action, actor), &env)?;
    intake::after_change(prepared, view, &before, outcome, now)
}

/// Merges `source` into `target` (SPEC §5.7); 409 per the core's rules.
pub async fn merge(
    app: &AppState,
    caller: Caller,
    target: ConversationId,
    source: ConversationId,
) -> ApiResult<ConversationChange> {
    if target == source {
        return Err(ApiError::Conflict(
            "a conversation cannot be merged into itself".into(),
        ));
    }
    let known = known(app, caller.site_id).await?;
    let actor = actor(&caller);
    let (target, _) = app
        .store
        .conversations()
        .change_pair(
            caller.site_id,
            target,
            source,
            move |(t, tm), (s, sm), next| {
                // The source's messages move into the target (the store re-homes them).
                let target_id = t.id;
                let mut moved: Vec<Message> = sm
                    .iter()
                    .cloned()
                    .map(|mut m| {
                        m.conversation_id = target_id;
                        m
                    })
                    .collect();
                let action = Action::Merge(Box::new(Merge {
                    source: s,
                    target_messages: tm,
                    source_messages: sm,
                    target_note_id: next,
                    source_note_id: MessageId(next.0 + 1),
                }));
                let (known, fields) = &known;
                let env = Env {
                    now: anytime_store::now(),
                    fields,
                    known,
                };
                let outcome = apply_command(t, Command::new(action, actor), &env)?;
                let source = outcome
                    .merge
                    .as_ref()
                    .map(|m| (*m.source).clone())
                    .ok_or_else(|| CoreError::Conflict {
                        message: "the merge produced no source outcome".into(),
                    })?;
                moved.extend(outcome.messages);
                Ok((
                    ConversationChange {
                        conversation: outcome.conversation,
                        messages: moved,
                        history: outcome.history,
                        extras: Default::default(),
                    },
                    ConversationChange {
                        conversation: source.conversation,
                        messages: source.messages,
                        history: source.history,
                        extras: Default::default(),
                    },
                ))
            },
        )
        .await?;
    // The source is closed now: its agent may take a waiting conversation.
    queue::run_logged(app, caller.site_id).await;
    Ok(target)
}

/// A conversation in `bin`, else 404.
pub async fn get(
    app: &AppState,
    site: SiteId,
    id: ConversationId,
    bin: Bin,
) -> ApiResult<Conversation> {
    let c = app.store.conversations().get(site, id).await?;
    if bin.admits(&c) {
        Ok(c)
    } else {
        Err(ApiError::NotFound("conversation not found".into()))
    }
}

/// The conversation as one read (with its messages when `with_messages`), for the caller.
pub async fn whole(
    app: &AppState,
    caller: &crate::auth::Caller,
    id: ConversationId,
    bin: Bin,
    with_messages: bool,
) -> ApiResult<anytime_store::WholeConversation> {
    let whole = app
        .store
        .conversations()
        .whole(caller.site_id, id, caller.agent_id, with_messages)
        .await?;
    if bin.admits(&whole.conversation) {
        Ok(whole)
    } else {
        Err(ApiError::NotFound("conversation not found".into()))
    }
}

pub async fn messages(
    app: &AppState,
    site: SiteId,
    id: ConversationId,
    bin: Bin,
) -> ApiResult<Vec<Message>> {
    get(app, site, id, bin).await?;
    Ok(app.store.conversations().messages(site, id).await?)
}
