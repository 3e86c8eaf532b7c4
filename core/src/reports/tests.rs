//! The reports over a hand-computed data set (figures worked out in the comments).
//!
//! Window 2026-01-05T00:00Z – 2026-01-08T00:00Z (Mon–Wed). Agents A and B.
//! * C1 email, created Mon 09:00, agent A: contact 09:00, A replies 10:00 (→ pendingExternal),
//!   contact Tue 08:00 (→ pendingInternal), A replies Tue 09:00 (→ pendingExternal), closed
//!   Tue 12:00. Policy with all three targets; a next-response breach recorded.
//! * C2 api, created Mon 12:00, agent B, high: note 12:30, B replies 14:00, closed 15:00,
//!   reopened Wed 10:00 (pendingInternal). First response and resolution targets.
//! * C3 email, created Wed 23:30, nobody: contact 23:30; first response target, breached;
//!   shown breach 23:45.
//! * C4 email, created Sun 20:00 (before the window), agent A, low: A replies Mon 01:00
//!   (→ pendingExternal); a first-response breach recorded (ignored: created outside).

use super::*;
use crate::business_hours::BusinessCalendar;
use crate::sla::CalendarTime;
use crate::working_time::WorkingTime;
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn agent(n: u128) -> AgentId {
    AgentId(Uuid::from_u128(n))
}

fn msg(t: &str, sender: SenderType, public: bool, agent: Option<AgentId>) -> ReportEvent {
    ReportEvent::Message {
        time: at(t),
        sender,
        public,
        agent,
    }
}

fn status(t: &str, status: Status) -> ReportEvent {
    ReportEvent::Status {
        time: at(t),
        status,
    }
}

fn data() -> Vec<ReportConversation> {
    let (a, b) = (Some(agent(0xa)), Some(agent(0xb)));
    let all = TargetFlags {
        first_response: true,
        next_response: true,
        resolution: true,
    };
    vec![
        ReportConversation {
            id: ConversationId(1),
            channel: Channel::Email,
            created: at("2026-01-05T09:00:00Z"),
            status: Status::Closed,
            agent: a,
            targets: all,
            events: vec![
                msg("2026-01-05T09:00:00Z", SenderType::Contact, true, None),
                msg("2026-01-05T10:00:00Z", SenderType::Agent, true, a),
                status("2026-01-05T10:00:00Z", Status::PendingExternal),
                msg("2026-01-06T08:00:00Z", SenderType::Contact, true, None),
                status("2026-01-06T08:00:00Z", Status::PendingInternal),
                msg("2026-01-06T09:00:00Z", SenderType::Agent, true, a),
                status("2026-01-06T09:00:00Z", Status::PendingExternal),
                status("2026-01-06T12:00:00Z", Status::Closed),
            ],
            ..Default::default()
        },
        ReportConversation {
            id: ConversationId(2),
            channel: Channel::Api,
            created: at("2026-01-05T12:00:00Z"),
            status: Status::PendingInternal,
            priority: Priority::High,
            agent: b,
            targets: TargetFlags {
                first_response: true,
                next_response: false,
                resolution: true,
            },
            events: vec![
                msg("2026-01-05T12:30:00Z", SenderType::Agent, false, b),
                msg("2026-01-05T14:00:00Z", SenderType::Agent, true, b),
                status("2026-01-05T15:00:00Z", Status::Closed),
                status("2026-01-07T10:00:00Z", Status::PendingInternal),
            ],
            ..Default::default()
        },
        ReportConversation {
            id: ConversationId(3),
            channel: Channel::Email,
            created: at("2026-01-07T23:30:00Z"),
            status: Status::New,
            next_breach_at: Some(at("2026-01-07T23:45:00Z")),
            targets: TargetFlags {
                first_response: true,
                ..TargetFlags::default()
            },
            events: vec![msg("2026-01-07T23:30:00Z", SenderType::Contact, true, None)],
            ..Default::default()
        },
        ReportConversation {
            id: ConversationId(4),
            channel: Channel::Email,
            created: at("2026-01-04T20:00:00Z"),
            status: Status::PendingExternal,
            priority: Priority::Low,
            agent: a,
            next_breach_at: Some(at("2026-01-09T00:00:00Z")),
            targets: TargetFlags {
                first_response: true,
                ..TargetFlags::default()
            },
            events: vec![
                msg("2026-01-05T01:00:00Z", SenderType::Agent, true, a),
                status("2026-01-05T01:00:00Z", Status::PendingExternal),
            ],
        },
    ]
}

const FROM: &str = "2026-01-05T00:00:00Z";
const TO: &str = "2026-01-08T00:00:00Z";

fn counts(created: u64, closed: u64, reopened: u64, incoming: u64, outgoing: u64) -> Counts {
    Counts {
        created,
        closed,
        reopened,
        incoming,
        outgoing,
    }
}

#[test]
fn volume_by_utc_day() {
    let v = volume(&data(), at(FROM), at(TO), chrono_tz::UTC, Granularity::Day).unwrap();
    let got: Vec<(DateTime<Utc>, Counts)> = v.iter().map(|b| (b.start, b.counts)).collect();
    assert_eq!(
        got,
        vec![
            // C1, C2 created; C2 closed; C1's first message; C4, C1, C2 replies
            (at("2026-01-05T00:00:00Z"), counts(2, 1, 0, 1, 3)),
            // C1 closed; its contact message; its second reply
            (at("2026-01-06T00:00:00Z"), counts(0, 1, 0, 1, 1)),
            // C3 created with its message; C2 reopened
            (at("2026-01-07T00:00:00Z"), counts(1, 0, 1, 1, 0)),
        ]
    );
}

#[test]
fn volume_by_new_york_day_moves_the_boundaries() {
    let tz: Tz = "America/New_York".parse().unwrap();
    let v = volume(&data(), at(FROM), at(TO), tz, Granularity::Day).unwrap();
    let got: Vec<(DateTime<Utc>, Counts)> = v.iter().map(|b| (b.start, b.counts)).collect();
    assert_eq!(
        got,
        vec![
            // Sun local: only C4's reply at 01:00Z is inside the window
            (at("2026-01-04T05:00:00Z"), counts(0, 0, 0, 0, 1)),
            (at("2026-01-05T05:00:00Z"), counts(2, 1, 0, 1, 2)),
            (at("2026-01-06T05:00:00Z"), counts(0, 1, 0, 1, 1)),
            (at("2026-01-07T05:00:00Z"), counts(1, 0, 1, 1, 0)),
        ]
    );
}

#[test]
fn channels_have_a_row_each() {
    let rows = by_channel(&data(), at(FROM), at(TO));
    assert_eq!(rows.len(), Channel::ALL.len());
    let of = |c: Channel| rows.iter().find(|r| r.channel == c).unwrap().counts;
    // email: C1, C3 created (C4 before the window); C1 closed; 3 contact messages; 3 replies
    assert_eq!(of(Channel::Email), counts(2, 1, 0, 3, 3));
    assert_eq!(of(Channel::Api), counts(1, 1, 1, 0, 1));
    assert_eq!(of(Channel::Portal), Counts::default());
}

#[test]
fn efficiency_in_calendar_and_business_time() {
    let breaches = [
        (ConversationId(1), SlaTarget::NextResponse),
        (ConversationId(3), SlaTarget::FirstResponse),
        (ConversationId(4), SlaTarget::FirstResponse),
    ];
    let wt: WorkingTime = serde_json::from_value(serde_json::json!({
        "timeZone": "UTC",
        "mondayBusinessTime": {"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0},
        "tuesdayBusinessTime": {"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0},
        "wednesdayBusinessTime": {"isBusinessDay": true, "openHour": 9, "openMin": 0, "closeHour": 17, "closeMin": 0}
    }))
    .unwrap();
    let nine_to_five = BusinessCalendar::new(&wt, &[]).unwrap();
    let e = efficiency(&data(), &breaches, at(FROM), at(TO), &nine_to_five);
    // first responses: C1 1 h, C2 2 h (both inside business hours)
    let f = &e.first_response_time;
    assert_eq!(
        (f.count, f.mean, f.median, f.p90),
        (2, Some(5400.0), Some(5400.0), Some(7200.0))
    );
    assert_eq!(
        (f.business_mean, f.business_p90),
        (Some(5400.0), Some(7200.0))
    );
    // resolution: C1 Mon 09:00 → Tue 12:00 = 27 h; business 8 h + 3 h = 11 h
    let r = &e.resolution_time;
    assert_eq!(
        (r.count, r.mean, r.business_mean),
        (1, Some(97_200.0), Some(39_600.0))
    );
    // first response: C1, C2, C3 measured, C3 breached; next: C1's one run, breached;
    // resolution: C1, C2, none breached
    let two_thirds = 2.0 / 3.0;
    assert_eq!(
        e.sla_achievement,
        SlaAchievement {
            first_response: Some(two_thirds),
            next_response: Some(0.0),
            resolution: Some(1.0)
        }
    );
    assert_eq!(
        e.replies_by_agent,
        vec![
            AgentReplies {
                agent_id: agent(0xa),
                replies: 3
            },
            AgentReplies {
                agent_id: agent(0xb),
                replies: 1
            },
        ]
    );
    // calendar time as the business calendar: the same figures
    let e = efficiency(&data(), &[], at(FROM), at(TO), &CalendarTime);
    assert_eq!(e.resolution_time.business_mean, Some(97_200.0));
    assert_eq!(e.sla_achievement.first_response, Some(1.0));
}

#[test]
fn right_now_counts_open_conversations() {
    let r = right_now(&data(), 2, at(TO));
    // open: C2 pendingInternal/high/B, C3 new/normal/nobody (overdue), C4 pendingExternal/low/A
    assert_eq!(r.by_status["new"], 1);
    assert_eq!(r.by_status["pendingInternal"], 1);
    assert_eq!(r.by_status["pendingExternal"], 1);
    assert_eq!(r.by_status["onHold"], 0);
    assert_eq!(r.by_status["closed"], 0);
    assert_eq!(r.by_priority["high"], 1);
    assert_eq!(r.by_priority["normal"], 1);
    assert_eq!(r.by_priority["low"], 1);
    assert_eq!(r.by_priority["urgent"], 0);
    assert_eq!((r.unassigned, r.agents_online, r.overdue), (1, 2, 1));
}

#[test]
fn runs_follow_the_sla_clock() {
    let c = SenderType::Contact;
    let a = SenderType::Agent;
    let events = [
        msg("2026-01-05T01:00:00Z", c, true, None),
        msg("2026-01-05T02:00:00Z", a, true, None),
        msg("2026-01-05T03:00:00Z", c, true, None),
        msg("2026-01-05T03:30:00Z", c, true, None),
        msg("2026-01-05T04:00:00Z", a, false, None),
        msg("2026-01-05T05:00:00Z", a, true, None),
        msg("2026-01-05T06:00:00Z", c, true, None),
    ];
    assert_eq!(next_response_runs(&events), 2);
}
