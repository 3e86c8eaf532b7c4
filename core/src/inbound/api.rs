//! `processInbound` for `anytime eval`, the wasm package and the vectors (SPEC §6):
//! `{config, message, context}` → `{decision}`.

use super::bot::bot_draw;
use super::config::InboundConfig;
use super::decision::{Action, Decision};
use super::message::InboundMessage;
use crate::model::{ConversationId, SiteId};
use crate::{CoreError, CoreResult};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessInboundInput {
    pub config: InboundConfig,
    pub message: InboundMessage,
    pub context: InboundContext,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundContext {
    pub now: DateTime<Utc>,
    /// Added to `config.siteAddresses` (SPEC §6 lets callers pass them in the context).
    #[serde(default)]
    pub site_addresses: Vec<String>,
    /// A junk email marked "not junk": skip the block check.
    #[serde(default)]
    pub skip_block_check: bool,
    /// For the bot draw: the site and the id the new conversation will get.
    #[serde(default)]
    pub site_id: Option<SiteId>,
    #[serde(default)]
    pub new_conversation_id: Option<ConversationId>,
    #[serde(default)]
    pub any_agent_online: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProcessInboundOutput {
    pub decision: Decision,
}

pub fn process_inbound_json(input: ProcessInboundInput) -> CoreResult<ProcessInboundOutput> {
    let ProcessInboundInput {
        config,
        message,
        context,
    } = input;
    let chatbot = config.chatbot;
    let mut rules_config = config;
    rules_config
        .site_addresses
        .extend(context.site_addresses.iter().cloned());
    let rules = rules_config.compile().map_err(|e| e.nested("config"))?;
    if let Some(share) = chatbot {
        for (field, value) in [
            ("percentage", share.percentage),
            ("offlinePercentage", share.offline_percentage),
        ] {
            if value > 100 {
                return Err(CoreError::invalid(
                    format!("config.chatbot.{field}"),
                    format!("must be 0 to 100, got {value}"),
                ));
            }
        }
    }
    let mut decision = if context.skip_block_check {
        rules.decide_not_junk(&message, context.now)
    } else {
        rules.decide(&message, context.now)
    };
    if let (Some(share), Action::NewConversation { bot, .. }) = (chatbot, &mut decision.action) {
        let site_id = context
            .site_id
            .ok_or_else(|| CoreError::invalid("context.siteId", "required for the bot draw"))?;
        let conversation_id = context.new_conversation_id.ok_or_else(|| {
            CoreError::invalid("context.newConversationId", "required for the bot draw")
        })?;
        *bot = Some(bot_draw(
            &site_id,
            conversation_id,
            share.percentage,
            share.offline_percentage,
            context.any_agent_online,
        ));
    }
    Ok(ProcessInboundOutput { decision })
}
