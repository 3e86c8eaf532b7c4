//! The three SLA targets of SPEC §5.6 as clocks over the conversation's timeline.
//!
//! A clock is a list of *active intervals* (when it counts) and an optional stop instant
//! (when its target was fulfilled). Its due instant is where the open time counted inside
//! the active intervals reaches the target; pauses therefore push the due instant later by
//! exactly the paused span, in whichever time (business or calendar) the policy counts.
//!
//! Intervals are half-open like business windows (SPEC §5.5): a clock that stops at `t` was
//! not running at `t`, so a reply exactly at the due instant is on time, while a clock still
//! running at its due instant is breached at that instant.

use super::clock::OpenTime;
use crate::model::{SenderType, Status, TimelineItem};
use crate::CoreResult;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Which of a policy's targets a clock measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SlaTarget {
    FirstResponse,
    NextResponse,
    Resolution,
}

/// A breached target: recorded for reports and raised as `slaBreached` (SPEC §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Breach {
    pub target: SlaTarget,
    pub breached_at: DateTime<Utc>,
}

/// What the conversation shows (`…BreachAt`) and every breach so far, in time order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlaTargets {
    pub first_respond_breach_at: Option<DateTime<Utc>>,
    pub next_respond_breach_at: Option<DateTime<Utc>>,
    pub resolve_breach_at: Option<DateTime<Utc>>,
    pub breaches: Vec<Breach>,
}

/// Target lengths in seconds; `None` = the policy has no such target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TargetSeconds {
    pub first_response: Option<i64>,
    pub next_response: Option<i64>,
    pub resolution: Option<i64>,
}

/// One run of a clock. `intervals` are `[start, end)`, the last one open-ended (`None`) when
/// the clock is running at `now`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Clock {
    intervals: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// The target was fulfilled (first/next response given, conversation closed).
    stopped: bool,
}

impl Clock {
    fn resume(&mut self, at: DateTime<Utc>) {
        if !self.stopped && !self.is_running() {
            self.intervals.push((at, None));
        }
    }

    fn pause(&mut self, at: DateTime<Utc>) {
        if let Some(last) = self.intervals.last_mut() {
            if last.1.is_none() {
                last.1 = Some(at);
            }
        }
    }

    fn stop(&mut self, at: DateTime<Utc>) {
        self.pause(at);
        self.stopped = true;
    }

    fn is_running(&self) -> bool {
        matches!(self.intervals.last(), Some((_, None)))
    }

    /// The due instant, if the target falls inside the intervals seen so far (or inside the
    /// running one). Cost: one `between` per completed interval and one `add`.
    fn due(&self, target: i64, time: &dyn OpenTime) -> CoreResult<Option<DateTime<Utc>>> {
        let mut remaining = target.max(0);
        for &(start, end) in &self.intervals {
            let Some(end) = end else {
                return time.add(start, remaining).map(Some);
            };
            let open = time.between(start, end);
            if remaining <= open {
                let due = time.add(start, remaining)?;
                if due < end {
                    return Ok(Some(due));
                }
            }
            remaining -= open.min(remaining);
        }
        Ok(None)
    }
}

/// The state every clock reads as the timeline is replayed.
#[derive(Debug, Clone, Copy)]
struct Phase {
    status: Status,
    agent_replied: bool,
}

impl Phase {
    fn counts_response(self) -> bool {
        self.status != Status::Closed
    }

    fn counts_resolution(self) -> bool {
        !matches!(
            self.status,
            Status::Closed | Status::PendingExternal | Status::OnHold
        )
    }
}

/// Replays `timeline` (in time order; items before `created` or after `now` are ignored)
/// and returns the targets' due instants and breaches.
///
/// The status before the first status change is `new` when the timeline has status changes,
/// else `current_status` (a caller that keeps no status history still gets paused and closed
/// conversations right).
pub fn compute_targets(
    targets: TargetSeconds,
    created: DateTime<Utc>,
    current_status: Status,
    timeline: &[TimelineItem],
    now: DateTime<Utc>,
    time: &dyn OpenTime,
) -> CoreResult<SlaTargets> {
    let has_status_history = timeline
        .iter()
        .any(|item| matches!(item, TimelineItem::StatusChanged { .. }));
    let mut phase = Phase {
        status: if has_status_history {
            Status::New
        } else {
            current_status
        },
        agent_replied: false,
    };

    let mut first = Clock::default();
    let mut resolution = Clock::default();
    // Finished next-response runs, and the current one.
    let mut next_runs: Vec<Clock> = Vec::new();
    let mut next: Option<Clock> = None;

    if phase.counts_response() {
        first.resume(created);
    }
    if phase.counts_resolution() {
        resolution.resume(created);
    }

    let mut ordered: Vec<&TimelineItem> = timeline.iter().collect();
    ordered.sort_by_key(|item| item.time());
    for item in ordered {
        let at = item.time();
        if at < created || at > now {
            continue;
        }
        match item {
            TimelineItem::Message {
                message_type,
                sender_type,
                ..
            } => match *sender_type {
                SenderType::Agent if message_type.is_public() => {
                    first.stop(at);
                    if let Some(mut run) = next.take() {
                        run.stop(at);
                        next_runs.push(run);
                    }
                    phase.agent_replied = true;
                }
                SenderType::Contact if phase.agent_replied && next.is_none() => {
                    // On a closed conversation the run starts counting when the status
                    // change that reopens it follows.
                    let mut run = Clock::default();
                    if phase.counts_response() {
                        run.resume(at);
                    }
                    next = Some(run);
                }
                _ => {}
            },
            TimelineItem::StatusChanged { status, .. } => {
                let status = *status;
                phase.status = status;
                for clock in [&mut first, &mut resolution]
                    .into_iter()
                    .chain(next.as_mut())
                {
                    clock.pause(at);
                }
                if status == Status::Closed {
                    resolution.stopped = true;
                } else {
                    // Reopening resumes the resolution clock (SPEC §5.6).
                    resolution.stopped = false;
                }
                if phase.counts_response() {
                    first.resume(at);
                    if let Some(run) = next.as_mut() {
                        run.resume(at);
                    }
                }
                if phase.counts_resolution() {
                    resolution.resume(at);
                }
            }
            TimelineItem::FieldChanged { .. } => {}
        }
    }

    let mut out = SlaTargets::default();
    let closed = phase.status == Status::Closed;

    if let Some(target) = targets.first_response {
        let Verdict { shown, breach } = judge(&first, target, now, time)?;
        out.first_respond_breach_at = shown.filter(|_| !closed);
        out.breaches.extend(breach.map(|at| Breach {
            target: SlaTarget::FirstResponse,
            breached_at: at,
        }));
    }
    if let Some(target) = targets.next_response {
        for run in &next_runs {
            let Verdict { breach, .. } = judge(run, target, now, time)?;
            out.breaches.extend(breach.map(|at| Breach {
                target: SlaTarget::NextResponse,
                breached_at: at,
            }));
        }
        if let Some(run) = &next {
            let Verdict { shown, breach } = judge(run, target, now, time)?;
            out.next_respond_breach_at = shown.filter(|_| !closed);
            out.breaches.extend(breach.map(|at| Breach {
                target: SlaTarget::NextResponse,
                breached_at: at,
            }));
        }
    }
    if let Some(target) = targets.resolution {
        let Verdict { shown, breach } = judge(&resolution, target, now, time)?;
        out.resolve_breach_at = shown.filter(|_| !closed);
        out.breaches.extend(breach.map(|at| Breach {
            target: SlaTarget::Resolution,
            breached_at: at,
        }));
    }
    out.breaches.sort();
    Ok(out)
}

/// One clock's verdict.
struct Verdict {
    /// The due instant to show: none when fulfilled, or paused before it is known.
    shown: Option<DateTime<Utc>>,
    /// The breach instant, if breached by `now`.
    breach: Option<DateTime<Utc>>,
}

fn judge(
    clock: &Clock,
    target: i64,
    now: DateTime<Utc>,
    time: &dyn OpenTime,
) -> CoreResult<Verdict> {
    let due = clock.due(target, time)?;
    Ok(Verdict {
        shown: if clock.stopped { None } else { due },
        breach: due.filter(|&due| due <= now),
    })
}
