//! Count, mean, median and p90 of durations in seconds, in calendar and business time.

use serde::Serialize;

/// Statistics of one duration; all `None` when `count` is 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub count: u64,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub business_mean: Option<f64>,
    pub business_median: Option<f64>,
    pub business_p90: Option<f64>,
}

fn mean(v: &[i64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64)
}

/// The mean of the two middle values for an even count.
fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 {
        sorted[n / 2] as f64
    } else {
        (sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0
    })
}

/// Nearest rank: the ⌈0.9·n⌉-th smallest value.
fn p90(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (n * 9).div_ceil(10).max(1);
    sorted.get(rank - 1).map(|&x| x as f64)
}

impl Summary {
    /// From the calendar and business durations of the same items.
    pub fn of(mut calendar: Vec<i64>, mut business: Vec<i64>) -> Self {
        calendar.sort_unstable();
        business.sort_unstable();
        Self {
            count: calendar.len() as u64,
            mean: mean(&calendar),
            median: median(&calendar),
            p90: p90(&calendar),
            business_mean: mean(&business),
            business_median: median(&business),
            business_p90: p90(&business),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_statistics() {
        let s = Summary::of(vec![30, 10, 20, 40], vec![3, 1, 2, 4]);
        assert_eq!(s.count, 4);
        assert_eq!(s.mean, Some(25.0));
        assert_eq!(s.median, Some(25.0));
        // ⌈3.6⌉ = 4th smallest
        assert_eq!(s.p90, Some(40.0));
        assert_eq!((s.business_mean, s.business_median), (Some(2.5), Some(2.5)));
        let ten: Vec<i64> = (1..=10).collect();
        let s = Summary::of(ten.clone(), ten);
        assert_eq!((s.median, s.p90), (Some(5.5), Some(9.0)));
        let one = Summary::of(vec![7], vec![0]);
        assert_eq!(
            (one.median, one.p90, one.business_p90),
            (Some(7.0), Some(7.0), Some(0.0))
        );
        let none = Summary::of(vec![], vec![]);
        assert_eq!((none.count, none.mean, none.p90), (0, None, None));
    }
}
