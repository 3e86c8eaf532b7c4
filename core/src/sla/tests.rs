use super::*;
use crate::model::{MessageType, SenderType, Status, TimelineItem};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn msg(minutes: i64, message_type: MessageType, sender_type: SenderType) -> TimelineItem {
    TimelineItem::Message {
        time: t(minutes),
        message_type,
        sender_type,
    }
}

fn agent_reply(minutes: i64) -> TimelineItem {
    msg(minutes, MessageType::Reply, SenderType::Agent)
}

fn contact(minutes: i64) -> TimelineItem {
    msg(minutes, MessageType::Email, SenderType::Contact)
}

fn status(minutes: i64, status: Status) -> TimelineItem {
    TimelineItem::StatusChanged {
        time: t(minutes),
        status,
    }
}

fn targets(first: Option<i64>, next: Option<i64>, resolution: Option<i64>) -> TargetSeconds {
    let secs = |m: Option<i64>| m.map(|m| m * 60);
    TargetSeconds {
        first_response: secs(first),
        next_response: secs(next),
        resolution: secs(resolution),
    }
}

fn compute(targets: TargetSeconds, timeline: &[TimelineItem], now: i64) -> SlaTargets {
    compute_targets(targets, t(0), Status::New, timeline, t(now), &CalendarTime).unwrap()
}

fn breach(target: SlaTarget, minutes: i64) -> Breach {
    Breach {
        target,
        breached_at: t(minutes),
    }
}

/// Open 09:00–17:00 UTC every day: a small independent model of business time for the
/// clock logic (the real calendar is tested in `business_hours`).
struct NineToFive;

impl NineToFive {
    fn day_window(day: i64) -> (DateTime<Utc>, DateTime<Utc>) {
        let midnight = t(0) + Duration::days(day);
        (
            midnight + Duration::hours(9),
            midnight + Duration::hours(17),
        )
    }

    fn day_of(at: DateTime<Utc>) -> i64 {
        (at - t(0)).num_seconds().div_euclid(86_400)
    }
}

impl OpenTime for NineToFive {
    fn add(&self, start: DateTime<Utc>, seconds: i64) -> crate::CoreResult<DateTime<Utc>> {
        let mut remaining = seconds;
        let mut day = Self::day_of(start);
        loop {
            let (open, close) = Self::day_window(day);
            let from = start.max(open);
            if from < close {
                let left = (close - from).num_seconds();
                if remaining <= left {
                    return Ok(from + Duration::seconds(remaining));
                }
                remaining -= left;
            }
            day += 1;
        }
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        let mut total = 0;
        let mut day = Self::day_of(from);
        while Self::day_window(day).0 < to {
            let (open, close) = Self::day_window(day);
            let (a, b) = (from.max(open), to.min(close));
            total += (b - a).num_seconds().max(0);
            day += 1;
        }
        total
    }
}

#[test]
fn first_response_due_is_start_plus_target() {
    let out = compute(targets(Some(60), None, None), &[], 30);
    assert_eq!(out.first_respond_breach_at, Some(t(60)));
    assert!(out.breaches.is_empty());
}

#[test]
fn first_response_fulfilled_in_time_shows_null() {
    let out = compute(targets(Some(60), None, None), &[agent_reply(30)], 90);
    assert_eq!(out.first_respond_breach_at, None);
    assert!(out.breaches.is_empty());
}

#[test]
fn reply_exactly_at_due_is_on_time_but_running_at_due_is_breached() {
    let on_time = compute(targets(Some(60), None, None), &[agent_reply(60)], 90);
    assert!(on_time.breaches.is_empty());
    let running = compute(targets(Some(60), None, None), &[], 60);
    assert_eq!(running.breaches, vec![breach(SlaTarget::FirstResponse, 60)]);
    let before = compute(targets(Some(60), None, None), &[], 59);
    assert!(before.breaches.is_empty());
}

#[test]
fn late_reply_records_the_breach_at_the_due_instant() {
    let out = compute(targets(Some(60), None, None), &[agent_reply(90)], 120);
    assert_eq!(out.first_respond_breach_at, None);
    assert_eq!(out.breaches, vec![breach(SlaTarget::FirstResponse, 60)]);
}

#[test]
fn notes_and_contact_messages_do_not_answer() {
    let timeline = [msg(10, MessageType::Note, SenderType::Agent), contact(20)];
    let out = compute(targets(Some(60), None, None), &timeline, 30);
    assert_eq!(out.first_respond_breach_at, Some(t(60)));
}

#[test]
fn agent_email_answers_first_response() {
    let timeline = [msg(10, MessageType::Email, SenderType::Agent)];
    let out = compute(targets(Some(60), None, None), &timeline, 30);
    assert_eq!(out.first_respond_breach_at, None);
}

#[test]
fn resolution_pauses_in_pending_external_and_on_hold() {
    let timeline = [
        status(60, Status::PendingExternal),
        status(180, Status::PendingInternal),
        status(200, Status::OnHold),
        status(230, Status::PendingInternal),
    ];
    // 120 min target: 60 before the first pause, 20 between pauses, 40 after 230.
    let out = compute(targets(None, None, Some(120)), &timeline, 240);
    assert_eq!(out.resolve_breach_at, Some(t(270)));
    assert!(out.breaches.is_empty());
}

#[test]
fn paused_before_due_shows_null_and_paused_after_breach_keeps_due() {
    let paused = compute(
        targets(None, None, Some(120)),
        &[status(60, Status::PendingExternal)],
        500,
    );
    assert_eq!(paused.resolve_breach_at, None);
    assert!(paused.breaches.is_empty());

    let late = compute(
        targets(None, None, Some(120)),
        &[status(150, Status::OnHold)],
        500,
    );
    assert_eq!(late.resolve_breach_at, Some(t(120)));
    assert_eq!(late.breaches, vec![breach(SlaTarget::Resolution, 120)]);
}

#[test]
fn paused_exactly_at_due_breaches_when_it_resumes() {
    let timeline = [
        status(60, Status::PendingExternal),
        status(180, Status::PendingInternal),
    ];
    let while_paused = compute(targets(None, None, Some(60)), &timeline[..1], 100);
    assert!(while_paused.breaches.is_empty());
    let resumed = compute(targets(None, None, Some(60)), &timeline, 200);
    assert_eq!(resumed.breaches, vec![breach(SlaTarget::Resolution, 180)]);
}

#[test]
fn closing_fulfils_and_reopening_resumes_resolution() {
    let closed = [status(60, Status::Closed)];
    let out = compute(targets(Some(30), None, Some(120)), &closed, 500);
    assert_eq!(out.resolve_breach_at, None);
    assert_eq!(out.first_respond_breach_at, None);
    // First response was still open at 30 → breached before the close.
    assert_eq!(out.breaches, vec![breach(SlaTarget::FirstResponse, 30)]);

    let reopened = [
        status(60, Status::Closed),
        status(300, Status::PendingInternal),
    ];
    let out = compute(targets(None, None, Some(120)), &reopened, 310);
    assert_eq!(out.resolve_breach_at, Some(t(360)));
}

#[test]
fn next_response_runs_from_contact_message_after_agent_reply() {
    let timeline = [
        contact(5), // before any agent reply: first response covers it
        agent_reply(60),
        contact(120),
        contact(125), // the run is already going
        agent_reply(180),
        contact(240),
    ];
    let out = compute(targets(None, Some(30), None), &timeline, 250);
    assert_eq!(out.next_respond_breach_at, Some(t(270)));
    assert_eq!(out.breaches, vec![breach(SlaTarget::NextResponse, 150)]);
}

#[test]
fn next_response_before_any_agent_reply_is_null() {
    let out = compute(targets(None, Some(30), None), &[contact(5)], 100);
    assert_eq!(out.next_respond_breach_at, None);
    assert!(out.breaches.is_empty());
}

#[test]
fn unsorted_timeline_and_future_items_are_handled() {
    let timeline = [
        agent_reply(200),
        status(60, Status::OnHold),
        agent_reply(30),
    ];
    let out = compute(targets(Some(20), None, Some(120)), &timeline, 100);
    assert_eq!(out.breaches, vec![breach(SlaTarget::FirstResponse, 20)]);
    assert_eq!(out.resolve_breach_at, None);
}

#[test]
fn without_status_history_the_current_status_counts() {
    let out = compute_targets(
        targets(Some(60), None, Some(60)),
        t(0),
        Status::OnHold,
        &[],
        t(500),
        &CalendarTime,
    )
    .unwrap();
    assert_eq!(out.resolve_breach_at, None);
    assert_eq!(out.breaches, vec![breach(SlaTarget::FirstResponse, 60)]);
}

#[test]
fn business_time_skips_closed_hours_and_pauses_count_in_business_time() {
    // Created Monday 16:00 (t(16*60)), 2 h business target: 1 h Monday, 1 h Tuesday → 10:00.
    let created = t(16 * 60);
    let out = compute_targets(
        targets(Some(120), None, None),
        created,
        Status::New,
        &[],
        created,
        &NineToFive,
    )
    .unwrap();
    assert_eq!(out.first_respond_breach_at, Some(t(24 * 60 + 10 * 60)));

    // On hold Monday 16:30 → Tuesday 09:30: 30 min counted, paused span ignored → Tuesday
    // 09:30 + 90 min = 11:00.
    let timeline = [
        TimelineItem::StatusChanged {
            time: t(16 * 60 + 30),
            status: Status::OnHold,
        },
        TimelineItem::StatusChanged {
            time: t(24 * 60 + 9 * 60 + 30),
            status: Status::PendingInternal,
        },
    ];
    let out = compute_targets(
        targets(None, None, Some(120)),
        created,
        Status::New,
        &timeline,
        t(24 * 60 + 10 * 60),
        &NineToFive,
    )
    .unwrap();
    assert_eq!(out.resolve_breach_at, Some(t(24 * 60 + 11 * 60)));
}

#[test]
fn exhausted_window_is_due_at_closing_and_breached_there() {
    // Created Monday 09:00, 8 h business target → Monday 17:00 (not Tuesday 09:00).
    let created = t(9 * 60);
    let out = compute_targets(
        targets(Some(480), None, None),
        created,
        Status::New,
        &[],
        t(20 * 60),
        &NineToFive,
    )
    .unwrap();
    assert_eq!(out.first_respond_breach_at, Some(t(17 * 60)));
    assert_eq!(
        out.breaches,
        vec![breach(SlaTarget::FirstResponse, 17 * 60)]
    );
}

fn arb_item() -> impl Strategy<Value = TimelineItem> {
    let statuses = prop::sample::select(Status::ALL.to_vec());
    let types = prop::sample::select(vec![
        MessageType::Note,
        MessageType::Email,
        MessageType::Reply,
    ]);
    let senders = prop::sample::select(vec![
        SenderType::Agent,
        SenderType::Contact,
        SenderType::System,
    ]);
    prop_oneof![
        (0i64..2000, statuses).prop_map(|(m, s)| status(m, s)),
        (0i64..2000, types, senders).prop_map(|(m, ty, se)| msg(m, ty, se)),
    ]
}

fn arb_targets() -> impl Strategy<Value = TargetSeconds> {
    let one = prop::option::of(0i64..600);
    (one.clone(), one.clone(), one).prop_map(|(a, b, c)| targets(a, b, c))
}

proptest! {
    #[test]
    fn due_and_breaches_never_precede_creation_nor_breaches_follow_now(
        timeline in prop::collection::vec(arb_item(), 0..12),
        targets in arb_targets(),
        now in 0i64..3000,
        business in any::<bool>(),
    ) {
        let time: &dyn OpenTime = if business { &NineToFive } else { &CalendarTime };
        let out = compute_targets(targets, t(0), Status::New, &timeline, t(now), time).unwrap();
        for due in [out.first_respond_breach_at, out.next_respond_breach_at, out.resolve_breach_at]
            .into_iter()
            .flatten()
        {
            prop_assert!(due >= t(0));
        }
        for b in &out.breaches {
            prop_assert!(b.breached_at >= t(0) && b.breached_at <= t(now));
        }
        prop_assert!(out.breaches.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn pauses_never_bring_resolution_due_earlier(
        pause_at in 0i64..600,
        pause_len in 0i64..600,
        target in 1i64..600,
        business in any::<bool>(),
    ) {
        let time: &dyn OpenTime = if business { &NineToFive } else { &CalendarTime };
        let now = 5000;
        let plain = compute_targets(targets(None, None, Some(target)), t(0), Status::New, &[], t(now), time).unwrap();
        let timeline = [status(pause_at, Status::OnHold), status(pause_at + pause_len, Status::PendingInternal)];
        let paused = compute_targets(targets(None, None, Some(target)), t(0), Status::New, &timeline, t(now), time).unwrap();
        let plain_due = plain.breaches[0].breached_at;
        let paused_due = paused.breaches[0].breached_at;
        prop_assert!(paused_due >= plain_due);
        if !business && pause_at <= target {
            // Calendar time: the due moves later by exactly the paused span.
            prop_assert_eq!(paused_due, plain_due + Duration::minutes(pause_len));
        }
    }

    #[test]
    fn calendar_first_response_matches_elapsed_time(
        reply_at in 0i64..1000,
        target in 0i64..600,
    ) {
        let out = compute(targets(Some(target), None, None), &[agent_reply(reply_at)], 2000);
        let breached = !out.breaches.is_empty();
        // Breached iff the clock was still running at its due instant.
        prop_assert_eq!(breached, reply_at > target);
    }
}
