//! The bot draw of SPEC §5.9 step 4: whether a channel account's bot takes a new
//! conversation. A hash instead of a random number, so the answer is the same natively and
//! in wasm, on every retry and in every replay.

use crate::model::{ConversationId, SiteId};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 over `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    })
}

/// The conversation's bucket in 0..100: FNV-1a 64 of the UTF-8 text
/// `<site id, lowercase hyphenated>:<conversation id, decimal>`, its high half folded into
/// the low half (`h ^ (h >> 32)`: FNV's last step is a multiplication, whose low bits depend
/// only on low input bits), modulo 100.
pub fn draw_bucket(site_id: &SiteId, conversation_id: ConversationId) -> u8 {
    let key = format!("{}:{}", site_id.0.hyphenated(), conversation_id.0);
    let hash = fnv1a64(key.as_bytes());
    // The remainder is below 100, so the cast keeps it.
    ((hash ^ (hash >> 32)) % 100) as u8
}

/// Whether the bot takes the conversation: its bucket is below `percentage` when any agent
/// is online, else below `offline_percentage`. Percentages above 100 count as 100.
pub fn bot_draw(
    site_id: &SiteId,
    conversation_id: ConversationId,
    percentage: u8,
    offline_percentage: u8,
    any_agent_online: bool,
) -> bool {
    let share = if any_agent_online {
        percentage
    } else {
        offline_percentage
    };
    draw_bucket(site_id, conversation_id) < share.min(100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    #[test]
    fn fnv_reference_values() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_online_state_picks_the_percentage() {
        let site = SiteId(Uuid::from_u128(1));
        let c = ConversationId(1);
        assert!(bot_draw(&site, c, 100, 0, true));
        assert!(!bot_draw(&site, c, 100, 0, false));
        assert!(bot_draw(&site, c, 0, 100, false));
        assert!(bot_draw(&site, c, 250, 0, true));
    }

    proptest! {
        #[test]
        fn zero_never_hundred_always(site in any::<u128>(), id in any::<i64>(), online in any::<bool>()) {
            let site = SiteId(Uuid::from_u128(site));
            let c = ConversationId(id);
            prop_assert!(!bot_draw(&site, c, 0, 0, online));
            prop_assert!(bot_draw(&site, c, 100, 100, online));
        }

        #[test]
        fn share_is_near_the_percentage(site in any::<u128>(), start in 0i64..1_000_000, pct in 0u8..=100) {
            let site = SiteId(Uuid::from_u128(site));
            let n = 4_000i64;
            let hits = (start..start + n)
                .filter(|&i| bot_draw(&site, ConversationId(i), pct, 0, true))
                .count();
            let share = hits as f64 / n as f64 * 100.0;
            // Binomial σ ≤ 0.8 percentage points at n = 4000; allow 5σ.
            prop_assert!((share - f64::from(pct)).abs() < 4.0, "pct {pct}, share {share}");
        }

        #[test]
        fn monotone_in_the_percentage(site in any::<u128>(), id in any::<i64>(), a in 0u8..=100, b in 0u8..=100) {
            let site = SiteId(Uuid::from_u128(site));
            let (lo, hi) = (a.min(b), a.max(b));
            let c = ConversationId(id);
            prop_assert!(!bot_draw(&site, c, lo, 0, true) || bot_draw(&site, c, hi, 0, true));
        }
    }
}
