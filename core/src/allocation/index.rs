//! A lookup table from agent ids to positions in a list, so that the one pass over thousands
//! of agents finds each agent's preference and remembered load in constant time instead of
//! walking a tree per agent (SPEC §8 budgets allocation among 10,000 agents at 200 µs).
//!
//! Open addressing with linear probing over 8-byte slots (a 32-bit tag of the hash and the
//! position); the ids themselves stay in the caller's list, which keeps the table small enough
//! to stay in cache. The hash is a multiplicative mix of the id's bits, so it is the same on
//! every run and platform (no random seed: the core is deterministic). The table is only ever
//! looked up, never iterated, so its order cannot leak into a result.

use crate::model::AgentId;

/// `(tag << 32) | (position + 1)`; 0 is a free slot.
type Slot = u64;

#[derive(Debug, Clone, Default)]
pub struct IdIndex {
    /// Length is 0 or a power of two, and at most 3/4 of it is used.
    slots: Vec<Slot>,
    /// log2 of the slot count.
    bits: u32,
    len: usize,
}

fn hash(id: &AgentId) -> u64 {
    let bits = id.0.as_u128();
    let folded = (bits as u64) ^ ((bits >> 64) as u64).rotate_left(29);
    folded.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The home slot among `2^bits` (from the hash's high bits, the well-mixed ones) and the tag
/// (its low half).
fn home_and_tag(id: &AgentId, bits: u32) -> (usize, u32) {
    let h = hash(id);
    ((h >> (64 - bits)) as usize, h as u32)
}

/// log2 of a power-of-two slot count (at least 8, so the shift above is below 64).
fn bits_of(slots: usize) -> u32 {
    slots.trailing_zeros()
}

impl IdIndex {
    /// An index sized for `capacity` ids.
    pub fn with_capacity(capacity: usize) -> Self {
        if capacity == 0 {
            return Self::default();
        }
        let slots = slots_for(capacity);
        Self {
            slots: vec![0; slots],
            bits: bits_of(slots),
            len: 0,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// The position stored for `id`; `key_at(position)` reads the id kept at a position.
    pub fn get<'k>(&self, id: &AgentId, key_at: impl Fn(usize) -> &'k AgentId) -> Option<usize> {
        if self.len == 0 {
            return None;
        }
        let mask = self.slots.len() - 1;
        let (mut i, tag) = home_and_tag(id, self.bits);
        // The table is never full, so a free slot ends every probe.
        loop {
            let slot = self.slots[i];
            if slot == 0 {
                return None;
            }
            if (slot >> 32) as u32 == tag {
                let position = (slot as u32 - 1) as usize;
                if key_at(position) == id {
                    return Some(position);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Stores `position` for `id` unless `id` is already present (the first one wins); returns
    /// whether it was stored. Positions must be below `u32::MAX` (lists that long do not fit
    /// in memory as agents); a larger one is not stored.
    pub fn insert_first<'k>(
        &mut self,
        id: AgentId,
        position: usize,
        key_at: impl Fn(usize) -> &'k AgentId,
    ) -> bool {
        let Some(stored) = u32::try_from(position).ok().and_then(|p| p.checked_add(1)) else {
            return false;
        };
        if self.get(&id, &key_at).is_some() {
            return false;
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(slots_for(self.len + 1), &key_at);
        }
        let (home, tag) = home_and_tag(&id, self.bits);
        place(
            &mut self.slots,
            home,
            (u64::from(tag) << 32) | u64::from(stored),
        );
        self.len += 1;
        true
    }

    fn grow<'k>(&mut self, slots: usize, key_at: impl Fn(usize) -> &'k AgentId) {
        let old = std::mem::replace(&mut self.slots, vec![0; slots]);
        self.bits = bits_of(slots);
        for slot in old.into_iter().filter(|&s| s != 0) {
            let position = (slot as u32 - 1) as usize;
            let (home, _) = home_and_tag(key_at(position), self.bits);
            place(&mut self.slots, home, slot);
        }
    }
}

/// Power-of-two slot count keeping the load at most 3/4 (and at least 8 slots).
fn slots_for(len: usize) -> usize {
    (len.saturating_mul(4) / 3 + 1).next_power_of_two().max(8)
}

fn place(slots: &mut [Slot], home: usize, slot: Slot) {
    let mask = slots.len() - 1;
    let mut i = home;
    while slots[i] != 0 {
        i = (i + 1) & mask;
    }
    slots[i] = slot;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use uuid::Uuid;

    /// A list with its index, as the users of `IdIndex` keep them.
    #[derive(Default)]
    struct Listed {
        keys: Vec<AgentId>,
        index: IdIndex,
    }

    impl Listed {
        fn insert(&mut self, id: AgentId) -> bool {
            self.keys.push(id);
            let keys = &self.keys;
            let stored = self.index.insert_first(id, keys.len() - 1, |i| &keys[i]);
            if !stored {
                self.keys.pop();
            }
            stored
        }

        fn get(&self, id: &AgentId) -> Option<usize> {
            self.index.get(id, |i| &self.keys[i])
        }
    }

    #[test]
    fn first_insert_wins_and_missing_ids_are_absent() {
        let mut l = Listed::default();
        let a = AgentId(Uuid::from_u128(1));
        assert_eq!(l.get(&a), None);
        assert!(l.insert(a));
        assert!(!l.insert(a));
        assert_eq!(l.get(&a), Some(0));
        assert_eq!(l.get(&AgentId(Uuid::from_u128(2))), None);
        assert_eq!(l.index.len(), 1);
    }

    #[test]
    fn sequential_and_structured_ids_spread() {
        // Ids that differ only in a few bits, high or low, must all find their slots.
        for shift in [0, 64, 100] {
            let mut l = Listed::default();
            for i in 0..5_000u128 {
                assert!(l.insert(AgentId(Uuid::from_u128(i << shift))));
            }
            for i in 0..5_000u128 {
                assert_eq!(
                    l.get(&AgentId(Uuid::from_u128(i << shift))),
                    Some(i as usize)
                );
            }
        }
    }

    proptest! {
        /// Agrees with a `BTreeMap` doing the same first-wins inserts.
        #[test]
        fn behaves_like_a_map(ops in prop::collection::vec((0u128..300, 0u32..3), 0..600)) {
            let mut l = Listed::default();
            let mut model = BTreeMap::new();
            for (key, shift) in ops {
                let id = AgentId(Uuid::from_u128(key << (shift * 50)));
                let fresh = !model.contains_key(&id);
                if fresh {
                    model.insert(id, model.len());
                }
                prop_assert_eq!(l.insert(id), fresh);
            }
            prop_assert_eq!(l.index.len(), model.len());
            for (id, n) in &model {
                prop_assert_eq!(l.get(id), Some(*n));
            }
        }
    }
}
