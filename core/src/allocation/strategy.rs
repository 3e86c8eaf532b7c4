//! The two ways of picking one candidate (SPEC §5.3), each a single pass over the candidates
//! in whatever order they come: no sorting, and the winner does not depend on the order.

use crate::model::AgentId;

/// A candidate's place in load balancing; the smallest rank wins. Agent ids are unique, so
/// this is a total order on candidates: exactly one least element, whatever the input order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadRank {
    /// Counted load (stored plus added by this allocator).
    pub load: u64,
    /// When last allocated (0 = never): the least recently allocated wins a tie.
    pub last_allocated: u64,
    pub agent: AgentId,
}

/// Load balancing: keeps the least [`LoadRank`] seen.
#[derive(Debug, Default)]
pub struct LeastLoaded {
    best: Option<LoadRank>,
}

impl LeastLoaded {
    /// Offers a candidate.
    pub fn offer(&mut self, rank: LoadRank) {
        if self.best.is_none_or(|best| rank < best) {
            self.best = Some(rank);
        }
    }

    /// Whether a candidate whose load is at least `load_at_least` could still win; when not,
    /// its remaining checks and lookups can be skipped.
    pub fn could_win(&self, load_at_least: u64) -> bool {
        self.best.is_none_or(|best| load_at_least <= best.load)
    }

    pub fn winner(&self) -> Option<AgentId> {
        self.best.map(|b| b.agent)
    }
}

/// Round robin: the smallest candidate id after the pool's cursor, else (wrapping) the
/// smallest candidate id. An ineligible agent is simply never offered; since the cursor is an
/// agent id rather than a position, skipping someone (or adding and removing members) does not
/// shift anyone else's turn.
#[derive(Debug)]
pub struct NextInTurn {
    cursor: Option<AgentId>,
    after_cursor: Option<AgentId>,
    smallest: Option<AgentId>,
}

impl NextInTurn {
    pub fn new(cursor: Option<AgentId>) -> Self {
        Self {
            cursor,
            after_cursor: None,
            smallest: None,
        }
    }

    pub fn offer(&mut self, agent: AgentId) {
        if self.cursor.is_some_and(|c| agent > c) && self.after_cursor.is_none_or(|a| agent < a) {
            self.after_cursor = Some(agent);
        }
        if self.smallest.is_none_or(|s| agent < s) {
            self.smallest = Some(agent);
        }
    }

    /// Whether offering `agent` could change the winner; when not, its eligibility need not
    /// be checked at all.
    pub fn could_win(&self, agent: AgentId) -> bool {
        match self.after_cursor {
            // Someone after the cursor is known: only a smaller id after the cursor beats them.
            Some(after) => self.cursor.is_some_and(|c| agent > c) && agent < after,
            None => {
                self.cursor.is_some_and(|c| agent > c) || self.smallest.is_none_or(|s| agent < s)
            }
        }
    }

    pub fn winner(&self) -> Option<AgentId> {
        self.after_cursor.or(self.smallest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn id(n: u128) -> AgentId {
        AgentId(Uuid::from_u128(n))
    }

    #[test]
    fn least_load_then_least_recent_then_id() {
        let mut lb = LeastLoaded::default();
        assert_eq!(lb.winner(), None);
        assert!(lb.could_win(u64::MAX));
        for (agent, load, last_allocated) in [(3, 2, 0), (2, 1, 5), (4, 1, 3), (9, 1, 3), (1, 3, 0)]
        {
            lb.offer(LoadRank {
                load,
                last_allocated,
                agent: id(agent),
            });
        }
        assert_eq!(lb.winner(), Some(id(4)));
        assert!(lb.could_win(1));
        assert!(!lb.could_win(2), "a heavier load cannot win");
        lb.offer(LoadRank {
            load: 1,
            last_allocated: 0,
            agent: id(5),
        });
        assert_eq!(lb.winner(), Some(id(5)), "never allocated is least recent");
    }

    #[test]
    fn round_robin_wraps() {
        let mut rr = NextInTurn::new(Some(id(5)));
        for n in [7, 2, 9, 6, 1] {
            rr.offer(id(n));
        }
        assert_eq!(rr.winner(), Some(id(6)));
        // Only an id strictly between the cursor (5) and the best so far (6) could still win.
        assert!(!rr.could_win(id(8)) && !rr.could_win(id(3)) && !rr.could_win(id(5)));
        let mut rr = NextInTurn::new(Some(id(9)));
        for n in [7, 2, 9] {
            rr.offer(id(n));
        }
        assert_eq!(rr.winner(), Some(id(2)), "wraps to the smallest");
        let mut rr = NextInTurn::new(None);
        for n in [7, 2, 9] {
            rr.offer(id(n));
        }
        assert_eq!(rr.winner(), Some(id(2)), "no cursor starts at the smallest");
        let mut rr = NextInTurn::new(Some(id(4)));
        rr.offer(id(4));
        assert_eq!(
            rr.winner(),
            Some(id(4)),
            "the only candidate gets every turn"
        );
        assert_eq!(NextInTurn::new(Some(id(4))).winner(), None);
    }

    fn ranks() -> impl Strategy<Value = Vec<(u128, u64, u64)>> {
        // Distinct ids; loads and recencies from small ranges so that ties are common.
        prop::collection::btree_map(0u128..64, (0u64..4, 0u64..4), 1..24)
            .prop_map(|m| m.into_iter().map(|(i, (l, r))| (i, l, r)).collect())
            .prop_shuffle()
    }

    proptest! {
        /// The agent ranking is a total order: antisymmetric, transitive and total on
        /// distinct agents (never `Equal` for two different agents).
        #[test]
        fn ranking_is_a_total_order(cs in ranks()) {
            let rs: Vec<LoadRank> = cs.iter().map(|&(i, load, last)| LoadRank {
                load, last_allocated: last, agent: id(i) }).collect();
            for a in &rs {
                for b in &rs {
                    let ab = a.cmp(b);
                    prop_assert_eq!(ab, b.cmp(a).reverse());
                    prop_assert_eq!(ab == std::cmp::Ordering::Equal, a.agent == b.agent);
                    for c in &rs {
                        if a <= b && b <= c {
                            prop_assert!(a <= c);
                        }
                    }
                }
            }
        }

        /// The single pass finds the least rank whatever the arrival order, and a least-loaded one.
        #[test]
        fn least_loaded_is_order_independent(cs in ranks()) {
            let mut lb = LeastLoaded::default();
            for &(i, load, last) in &cs {
                lb.offer(LoadRank { load, last_allocated: last, agent: id(i) });
            }
            let expected = cs.iter().map(|&(i, load, last)| LoadRank {
                load, last_allocated: last, agent: id(i) }).min().map(|r| r.agent);
            prop_assert_eq!(lb.winner(), expected);
            let min_load = cs.iter().map(|c| c.1).min();
            let winner_load = cs.iter().find(|c| Some(id(c.0)) == lb.winner()).map(|c| c.1);
            prop_assert_eq!(winner_load, min_load);
        }

        /// Passing over whoever `could_win` rules out never changes either winner.
        #[test]
        fn pruning_keeps_the_winner(cs in ranks(), cursor in prop::option::of(0u128..64)) {
            let (mut all_lb, mut pruned_lb) = (LeastLoaded::default(), LeastLoaded::default());
            let mut all_rr = NextInTurn::new(cursor.map(id));
            let mut pruned_rr = NextInTurn::new(cursor.map(id));
            for &(i, load, last) in &cs {
                let rank = LoadRank { load, last_allocated: last, agent: id(i) };
                all_lb.offer(rank);
                if pruned_lb.could_win(load) {
                    pruned_lb.offer(rank);
                }
                all_rr.offer(id(i));
                if pruned_rr.could_win(id(i)) {
                    pruned_rr.offer(id(i));
                }
            }
            prop_assert_eq!(pruned_lb.winner(), all_lb.winner());
            prop_assert_eq!(pruned_rr.winner(), all_rr.winner());
        }

        /// Round robin agrees with "sort the ids, take the first after the cursor, else wrap".
        #[test]
        fn next_in_turn_matches_sorted_definition(cs in ranks(), cursor in prop::option::of(0u128..64)) {
            let mut rr = NextInTurn::new(cursor.map(id));
            for &(i, _, _) in &cs {
                rr.offer(id(i));
            }
            let mut sorted: Vec<u128> = cs.iter().map(|c| c.0).collect();
            sorted.sort_unstable();
            let expected = cursor
                .and_then(|c| sorted.iter().find(|&&i| i > c))
                .or(sorted.first())
                .map(|&i| id(i));
            prop_assert_eq!(rr.winner(), expected);
        }
    }
}
