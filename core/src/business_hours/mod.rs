//! Business-hours arithmetic (SPEC §5.5).
//!
//! A [`BusinessCalendar`] is compiled once from the site's [`WorkingTime`] and holidays and
//! then answers "when has this much open time elapsed" ([`BusinessCalendar::add`]) and "how
//! much open time lies between" ([`BusinessCalendar::between`]) in time independent of the
//! amounts involved: long spans are jumped over in whole weeks whose exact open seconds come
//! from the nominal week plus per-date corrections (holidays, DST days) kept as prefix sums.
//!
//! [`WorkingTime`]: crate::working_time::WorkingTime

mod calendar;
mod dst;
mod eval;
mod resolve;
#[cfg(test)]
mod tests;

pub use calendar::BusinessCalendar;
pub use eval::{add_business_time, business_time_between, AddBusinessTimeArgs, BetweenArgs};
