//! Blocked senders (SPEC §4.9): rules read once into two ordered maps, so a message is checked
//! with one address lookup and one lookup per label of its domain, whatever the rule count.

use super::address::{address_problem, domain_of, domain_problem, domain_suffixes};
use crate::{CoreError, ErrorDetail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a rule matches and what happens to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockType {
    #[serde(rename = "blockEmailasJunk")]
    BlockEmailAsJunk,
    #[serde(rename = "rejectEmail")]
    RejectEmail,
    #[serde(rename = "blockDomainasJunk")]
    BlockDomainAsJunk,
    #[serde(rename = "rejectDomain")]
    RejectDomain,
}

impl BlockType {
    pub fn is_domain(self) -> bool {
        matches!(self, BlockType::BlockDomainAsJunk | BlockType::RejectDomain)
    }

    /// Junk rules keep the message (as a junk email); reject rules drop it.
    pub fn is_junk(self) -> bool {
        matches!(
            self,
            BlockType::BlockEmailAsJunk | BlockType::BlockDomainAsJunk
        )
    }
}

/// A blocked sender as the API stores it; `email` is an address or a domain per `blockType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockedSender {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub email: String,
    pub block_type: BlockType,
}

/// The rules indexed by normalized address and by normalized domain. Values are positions in
/// `rules`; when the same address or domain is listed twice the first rule wins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BlockIndex {
    rules: Vec<BlockedSender>,
    addresses: BTreeMap<String, usize>,
    domains: BTreeMap<String, usize>,
}

impl BlockIndex {
    /// Validates and indexes the rules; every bad rule is reported, each naming
    /// `blockedSenders[i].email`.
    pub fn build(rules: &[BlockedSender]) -> Result<Self, CoreError> {
        let mut index = BlockIndex::default();
        let mut problems = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            let key = rule.email.trim().trim_end_matches('.').to_lowercase();
            let problem = if rule.block_type.is_domain() {
                domain_problem(&key)
            } else {
                address_problem(&key)
            };
            if let Some(problem) = problem {
                problems.push(ErrorDetail::new(
                    format!("blockedSenders[{i}].email"),
                    format!("{problem} (blockType {})", block_type_name(rule.block_type)),
                ));
                continue;
            }
            let map = if rule.block_type.is_domain() {
                &mut index.domains
            } else {
                &mut index.addresses
            };
            let position = index.rules.len();
            if let std::collections::btree_map::Entry::Vacant(slot) = map.entry(key) {
                slot.insert(position);
                index.rules.push(rule.clone());
            }
        }
        if problems.is_empty() {
            Ok(index)
        } else {
            let message = match problems.as_slice() {
                [one] => format!("{}: {}", one.field, one.message),
                many => format!("{} blocked senders are invalid", many.len()),
            };
            Err(CoreError::invalid_fields(message, problems))
        }
    }

    /// The rule that applies to a normalized sender address: an address rule first (the most
    /// specific), then the rule of the longest matching domain.
    pub fn find(&self, address: &str) -> Option<&BlockedSender> {
        let by_address = self.addresses.get(address);
        let by_domain = || {
            let domain = domain_of(address)?;
            domain_suffixes(domain).find_map(|d| self.domains.get(d))
        };
        by_address
            .or_else(by_domain)
            .and_then(|&i| self.rules.get(i))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn block_type_name(t: BlockType) -> &'static str {
    match t {
        BlockType::BlockEmailAsJunk => "blockEmailasJunk",
        BlockType::RejectEmail => "rejectEmail",
        BlockType::BlockDomainAsJunk => "blockDomainasJunk",
        BlockType::RejectDomain => "rejectDomain",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(email: &str, block_type: BlockType) -> BlockedSender {
        BlockedSender {
            id: Some(email.to_string()),
            email: email.to_string(),
            block_type,
        }
    }

    #[test]
    fn address_beats_domain_and_longest_domain_wins() {
        let index = BlockIndex::build(&[
            rule("example.com", BlockType::RejectDomain),
            rule("Mail.Example.com", BlockType::BlockDomainAsJunk),
            rule("vip@mail.example.com", BlockType::BlockEmailAsJunk),
        ])
        .unwrap();
        let id = |a: &str| index.find(a).and_then(|r| r.id.clone());
        assert_eq!(
            id("vip@mail.example.com").as_deref(),
            Some("vip@mail.example.com")
        );
        assert_eq!(
            id("x@a.mail.example.com").as_deref(),
            Some("Mail.Example.com")
        );
        assert_eq!(id("x@example.com").as_deref(), Some("example.com"));
        assert_eq!(id("x@evil-example.com"), None);
        assert_eq!(id("x@example.com.evil.org"), None);
    }

    #[test]
    fn first_rule_for_a_key_wins() {
        let index = BlockIndex::build(&[
            rule("a@x.org", BlockType::RejectEmail),
            rule("A@X.org", BlockType::BlockEmailAsJunk),
        ])
        .unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(
            index.find("a@x.org").map(|r| r.block_type),
            Some(BlockType::RejectEmail)
        );
    }

    #[test]
    fn wrong_kind_of_value_is_named() {
        let err = BlockIndex::build(&[
            rule("ok.org", BlockType::RejectDomain),
            rule("jane@x.org", BlockType::RejectDomain),
            rule("x.org", BlockType::BlockEmailAsJunk),
        ])
        .unwrap_err();
        let fields: Vec<_> = err.details().iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            ["blockedSenders[1].email", "blockedSenders[2].email"]
        );
        assert!(err.details()[0].message.contains("rejectDomain"));
    }
}
