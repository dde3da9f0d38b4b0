//! The alert policy on its own, with time as a number: mute, quiet hours, the queue, the alarm,
//! and which notifications are withdrawn when (also when only a snapshot says an order was
//! handled).

use orderbell_desktop_core::Role;
use orderbell_desktop_core::alerts::{AlertPolicy, Effect, LOST_AFTER_MS};
use orderbell_desktop_core::engine::Engine;
use orderbell_desktop_core::notify::{Note, NoteKind};
use orderbell_desktop_core::saved::{Heard, QuietHours, Settings};
use orderbell_desktop_core::voice::{Arrival, Cue, VoicePlan};
use orderbell_shared::Event;
use orderbell_shared::events::ReminderReply;
use orderbell_shared::heard::{AlertEscalated, AlertKind, EscalationReason};
use orderbell_shared::order::{ReminderState, StoreSnapshot};
use orderbell_shared::{Money, OrderDTO, OrderStatus};

const NOON: i64 = 1_763_812_800_000; // 2025-11-22 12:00 UTC

fn order(id: i64, table: &str) -> OrderDTO {
    OrderDTO {
        order_id: id,
        order_no: format!("OB{id:08}"),
        store_id: 1,
        table_id: id,
        table_number: table.into(),
        status: OrderStatus::Paid,
        items: Vec::new(),
        total_amount: Money::from_cents(100),
        total_quantity: 1,
        created_at: NOON,
        paid_at: Some(NOON),
        accepted_at: None,
        ready_at: None,
        finished_at: None,
        reject_reason: None,
        reminder_count: 0,
        last_reminder_at: None,
        bill_id: None,
        round: None,
    }
}

fn spoken(effects: &[Effect]) -> Vec<Cue> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Speak(plan) => Some(plan.cue),
            Effect::Notify(_) | Effect::Withdraw(_) => None,
        })
        .collect()
}

fn notes(effects: &[Effect]) -> usize {
    effects.iter().filter(|e| matches!(e, Effect::Notify(_))).count()
}

#[test]
fn muted_means_notifications_without_voice_and_the_test_sound_still_plays() {
    let settings = Settings {
        muted: true,
        ..Settings::default()
    };
    let mut policy = AlertPolicy::new(settings);
    let effects = policy.new_order(&order(1, "A01"), true, NOON);
    assert_eq!((notes(&effects), spoken(&effects).len()), (1, 0));
    assert!(spoken(&policy.tick(NOON + 60_000)).is_empty(), "repeats are silent too");
    assert_eq!(spoken(&policy.test_sound()), [Cue::Test]);
}

#[test]
fn quiet_hours_silence_the_voice_in_local_time() {
    let quiet = QuietHours {
        start_min: 19 * 60,
        end_min: 21 * 60,
    };
    let mut policy = AlertPolicy::new(Settings {
        quiet_hours: Some(quiet),
        ..Settings::default()
    });
    policy.set_utc_offset(8 * 3600); // noon UTC is 20:00 in Beijing
    let effects = policy.new_order(&order(1, "A01"), true, NOON);
    assert_eq!(
        (notes(&effects), spoken(&effects).len()),
        (1, 0),
        "20:00 local is quiet"
    );
    policy.set_utc_offset(0);
    assert_eq!(
        spoken(&policy.tick(NOON + 20_000)),
        [Cue::NewOrder { order_id: 1 }],
        "12:00 is not"
    );
}

#[test]
fn voices_queue_and_the_same_announcement_waits_only_once() {
    let mut policy = AlertPolicy::new(Settings::default());
    assert_eq!(spoken(&policy.new_order(&order(1, "A01"), true, NOON)).len(), 1);
    assert!(
        spoken(&policy.new_order(&order(2, "A02"), true, NOON)).is_empty(),
        "one voice at a time"
    );
    // Order 2's repeat comes due while its first announcement still waits: said once.
    assert!(spoken(&policy.tick(NOON + 20_000)).is_empty());
    assert_eq!(spoken(&policy.spoken()), [Cue::NewOrder { order_id: 2 }]);
    assert_eq!(
        spoken(&policy.spoken()),
        [Cue::NewOrder { order_id: 1 }],
        "order 1's repeat"
    );
    assert!(spoken(&policy.spoken()).is_empty());
}

#[test]
fn a_handled_order_is_dropped_from_the_queue_and_stops_repeating() {
    let mut policy = AlertPolicy::new(Settings::default());
    policy.new_order(&order(1, "A01"), true, NOON);
    policy.new_order(&order(2, "A02"), true, NOON);
    policy.settle(2, Some(OrderStatus::Accepted));
    assert!(
        spoken(&policy.spoken()).is_empty(),
        "order 2 was accepted while it waited"
    );
    assert_eq!(spoken(&policy.tick(NOON + 20_000)), [Cue::NewOrder { order_id: 1 }]);
    policy.spoken();
    policy.settle(1, None);
    assert!(spoken(&policy.tick(NOON + 120_000)).is_empty());
}

#[test]
fn a_lost_connection_alarms_after_half_a_minute_repeats_the_tone_and_clears() {
    let mut policy = AlertPolicy::new(Settings::default());
    let every = i64::from(Settings::default().lost_repeat_secs) * 1000;
    policy.connection_down(NOON);
    assert!(policy.tick(NOON + LOST_AFTER_MS - 1).is_empty() && !policy.is_lost(NOON + LOST_AFTER_MS - 1));
    let alarm = policy.tick(NOON + LOST_AFTER_MS);
    assert_eq!((notes(&alarm), spoken(&alarm)), (1, vec![Cue::ConnectionLost]));
    policy.spoken();
    assert!(
        policy.tick(NOON + LOST_AFTER_MS + every - 1).is_empty(),
        "not before the interval"
    );
    // A long outage does not go quiet: the tone again, the notification stays the one shown.
    for n in 1..=3 {
        let again = policy.tick(NOON + LOST_AFTER_MS + n * every);
        assert_eq!(
            (notes(&again), spoken(&again)),
            (0, vec![Cue::ConnectionLost]),
            "repeat {n}"
        );
        policy.spoken();
    }
    assert_eq!(
        policy.connection_up(),
        [Effect::Withdraw(NoteKind::ConnectionLost)],
        "the alarm's notification goes when the connection is back"
    );
    assert!(
        policy.tick(NOON + LOST_AFTER_MS + 9 * every).is_empty(),
        "and the tone stops"
    );
    assert!(!policy.is_lost(NOON + 11 * LOST_AFTER_MS));
    assert!(policy.connection_up().is_empty(), "nothing shown, nothing to withdraw");
}

#[test]
fn the_lost_connection_tone_repeats_at_the_set_interval() {
    let mut policy = AlertPolicy::new(Settings {
        lost_repeat_secs: 300,
        ..Settings::default()
    });
    policy.connection_down(NOON);
    assert_eq!(spoken(&policy.tick(NOON + LOST_AFTER_MS)), [Cue::ConnectionLost]);
    policy.spoken();
    assert!(spoken(&policy.tick(NOON + LOST_AFTER_MS + 299_000)).is_empty());
    assert_eq!(
        spoken(&policy.tick(NOON + LOST_AFTER_MS + 300_000)),
        [Cue::ConnectionLost]
    );
}

fn withdrawn(effects: &[Effect]) -> Vec<NoteKind> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Withdraw(kind) => Some(*kind),
            Effect::Notify(_) | Effect::Speak(_) => None,
        })
        .collect()
}

#[test]
fn an_order_handled_anywhere_takes_its_notifications_down_once() {
    let mut policy = AlertPolicy::new(Settings::default());
    policy.new_order(&order(1, "A01"), true, NOON);
    policy.hurry(&order(1, "A01"), 1, NOON);
    let new_order = NoteKind::NewOrder { order_id: 1 };
    let hurry = NoteKind::Hurry { order_id: 1 };
    assert_eq!(policy.orders(), [1].into());

    assert_eq!(
        withdrawn(&policy.settle(1, Some(OrderStatus::Accepted))),
        [new_order],
        "accepted: no longer new, but the 催单 still waits for the food or an answer"
    );
    assert!(
        withdrawn(&policy.settle(1, Some(OrderStatus::Accepted))).is_empty(),
        "once"
    );
    assert_eq!(
        withdrawn(&policy.settle(1, Some(OrderStatus::Ready))),
        [hurry],
        "the food is out: the 催单 is answered"
    );
    assert!(policy.orders().is_empty(), "nothing left about order 1");
}

#[test]
fn an_answered_hurry_is_withdrawn_and_not_said_and_a_rejected_order_takes_both_down() {
    let mut policy = AlertPolicy::new(Settings::default());
    policy.new_order(&order(1, "A01"), true, NOON);
    policy.hurry(&order(2, "A02"), 1, NOON);
    policy.hurry(&order(2, "A02"), 2, NOON);
    let answered = policy.answered(2);
    assert_eq!(
        withdrawn(&answered),
        [NoteKind::Hurry { order_id: 2 }],
        "one notification for both 催单 of order 2, so one to withdraw"
    );
    assert!(
        spoken(&policy.spoken()).is_empty(),
        "the answered 催单 is not said any more"
    );
    assert!(policy.answered(2).is_empty(), "once");

    policy.hurry(&order(1, "A01"), 1, NOON);
    let rejected = policy.settle(1, None);
    assert_eq!(
        withdrawn(&rejected),
        [NoteKind::NewOrder { order_id: 1 }, NoteKind::Hurry { order_id: 1 }]
    );
}

#[test]
fn an_order_announced_without_a_notification_has_none_to_withdraw() {
    let mut policy = AlertPolicy::new(Settings::default());
    // A restart resumes the repeats of an order already notified by the previous run.
    policy.new_order(&order(1, "A01"), false, NOON);
    assert!(policy.settle(1, Some(OrderStatus::Accepted)).is_empty());
}

#[test]
fn an_order_handled_while_the_stream_was_away_is_withdrawn_when_the_snapshot_says_so() {
    let mut engine = Engine::new(Role::Merchant, Heard::default(), Settings::default());
    let snapshot = |last_event_id, orders| StoreSnapshot {
        store_id: 1,
        last_event_id,
        orders,
        reminders: vec![],
        receipts: vec![],
        escalated: vec![],
    };
    let shown = engine.load(snapshot(5, vec![order(1, "A01"), order(2, "A02")]), NOON);
    assert_eq!(notes(&shown), 2);
    // A resync: order 1 was accepted and order 2 rejected meanwhile; no event will say so.
    let accepted = OrderDTO {
        status: OrderStatus::Accepted,
        ..order(1, "A01")
    };
    let effects = engine.load(snapshot(9, vec![accepted]), NOON);
    assert_eq!(
        withdrawn(&effects),
        [NoteKind::NewOrder { order_id: 1 }, NoteKind::NewOrder { order_id: 2 }]
    );
    assert!(
        spoken(&engine.policy.tick(NOON + 60_000)).is_empty(),
        "and neither repeats"
    );
}

#[test]
fn after_a_snapshot_only_unanswered_reminders_of_orders_still_cooking_alarm_once_the_replay_is_read() {
    let mut engine = Engine::new(Role::Merchant, Heard::default(), Settings::default());
    let hurried = |id, table: &str, status| OrderDTO {
        status,
        reminder_count: 1,
        last_reminder_at: Some(NOON - 7 * 60_000),
        ..order(id, table)
    };
    let snapshot = StoreSnapshot {
        store_id: 1,
        last_event_id: 10,
        orders: vec![
            hurried(1, "A01", OrderStatus::Paid),
            hurried(2, "A02", OrderStatus::Ready),
            hurried(3, "A03", OrderStatus::Accepted),
        ],
        // A01's 催单 was answered before the snapshot; A02's and A03's were not.
        reminders: (1..=3)
            .map(|id| ReminderState {
                reminder_id: id,
                order_id: id,
                at: NOON - 7 * 60_000,
                reply: (id == 1).then(|| "马上就好".to_owned()),
                replied_at: (id == 1).then_some(NOON - 6 * 60_000),
            })
            .collect(),
        receipts: vec![],
        escalated: vec![],
    };
    let loaded = engine.load(snapshot, NOON);
    assert!(
        hurries(&loaded).is_empty(),
        "a fresh device reads the recent past first: 催单 wait for the end of the replay"
    );
    let reply = Event::ReminderReply(ReminderReply {
        reminder_id: 1,
        order_id: 1,
        order_no: "OB00000001".into(),
        table_number: "A01".into(),
        text: "马上就好".into(),
        at: NOON - 6 * 60_000,
    });
    let replayed = engine.event(10, &reply, NOON).expect("a new event");
    assert_eq!(
        hurries(&replayed),
        [NoteKind::Hurry { order_id: 3 }],
        "A01 was answered and A02's food is out; A03, seven minutes old, still needs a person"
    );
}

fn hurries(effects: &[Effect]) -> Vec<NoteKind> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(note) if matches!(note.kind, NoteKind::Hurry { .. }) => Some(note.kind),
            _ => None,
        })
        .collect()
}

#[test]
fn the_kitchen_chimes_once_for_the_tickets_already_there_at_start_then_once_per_new_ticket() {
    let mut engine = Engine::new(Role::Kitchen, Heard::default(), Settings::default());
    let snapshot = |last_event_id, tickets: i64| StoreSnapshot {
        store_id: 1,
        last_event_id,
        orders: (1..=tickets).map(|id| order(id, &format!("A0{id}"))).collect(),
        reminders: vec![],
        receipts: vec![],
        escalated: vec![],
    };
    let mut effects = engine.load(snapshot(7, 4), NOON);
    // Everything the player will say, one plan after another, until it has nothing left.
    let mut chimes = Vec::new();
    while !spoken(&effects).is_empty() {
        chimes.extend(spoken(&effects));
        effects = engine.policy.spoken();
    }
    assert_eq!(
        chimes.len(),
        1,
        "four tickets at start are one chime, not four: {chimes:?}"
    );
    assert_eq!(
        spoken(&engine.load(snapshot(8, 5), NOON + 1000)),
        vec![Cue::Ticket { order_id: 5 }],
        "a resync chimes for the ticket that is new, once"
    );
}

// The alarm for an alert the server escalated (nobody heard it): this device shows and says it
// again at full volume, but never stacks it on the same announcement being said or waiting.

fn alarm(policy: &mut AlertPolicy, id: i64, now: i64) -> Vec<Effect> {
    let o = order(id, &format!("A{id:02}"));
    policy.alarm(
        Note::new_order(&o),
        VoicePlan::new_order(id, &o.table_number, Arrival::of(&o), 0.5),
        now,
    )
}

#[test]
fn an_escalated_order_is_shown_and_said_again_loudly_once_its_voice_is_done() {
    let mut policy = AlertPolicy::new(Settings::default());
    let first = policy.new_order(&order(1, "A01"), true, NOON);
    assert!(matches!(&first[1], Effect::Speak(plan) if plan.cue == Cue::NewOrder { order_id: 1 }));
    assert_eq!(alarm(&mut policy, 1, NOON), [], "being said right now: nothing to add");
    policy.new_order(&order(2, "A02"), true, NOON);
    assert_eq!(alarm(&mut policy, 2, NOON), [], "waiting its turn: nothing to add");
    let next = policy.spoken();
    assert!(matches!(&next[..], [Effect::Speak(plan)] if plan.cue == Cue::NewOrder { order_id: 2 }));

    let again = alarm(&mut policy, 1, NOON + 1000);
    assert!(
        matches!(&again[..], [Effect::Notify(note)] if note.summary == "新订单 A01号桌"),
        "the voice waits for the one playing: {again:?}"
    );
    let loud = policy.spoken();
    assert!(
        matches!(&loud[..], [Effect::Speak(plan)] if plan.cue == Cue::NewOrder { order_id: 1 } && plan.volume == 1.0),
        "said again at full volume: {loud:?}"
    );
}

#[test]
fn a_muted_device_shows_an_escalated_order_again_without_a_voice() {
    let settings = Settings {
        muted: true,
        ..Settings::default()
    };
    let mut policy = AlertPolicy::new(settings);
    policy.new_order(&order(3, "A03"), true, NOON);
    let again = alarm(&mut policy, 3, NOON);
    assert!(matches!(&again[..], [Effect::Notify(_)]), "{again:?}");
}

#[test]
fn an_escalation_the_snapshot_lists_is_not_alarmed_when_its_event_comes_after_the_snapshot() {
    let escalated = |id| AlertEscalated {
        order_id: id,
        order_no: format!("OB{id:08}"),
        table_number: format!("A{id:02}"),
        alert: AlertKind::Order,
        reminder_id: None,
        reason: EscalationReason::NoDeviceOnline,
        since: NOON,
        at: NOON,
    };
    let mut engine = Engine::new(Role::Merchant, Heard::default(), Settings::default());
    // Back after an outage: A04 was escalated while nobody was online, between the server
    // reading the snapshot's position (8) and its escalations; its event is 9.
    let snapshot = StoreSnapshot {
        store_id: 1,
        last_event_id: 8,
        orders: vec![order(4, "A04"), order(5, "A05")],
        reminders: vec![],
        receipts: vec![],
        escalated: vec![escalated(4)],
    };
    assert_eq!(notes(&engine.load(snapshot, NOON)), 2, "A04 and A05 are announced");
    engine.policy.spoken();
    engine.policy.spoken();
    let replayed = engine.event(9, &Event::AlertEscalated(escalated(4)), NOON + 1000);
    assert_eq!(replayed, Some(vec![]), "A04 is not announced a second time");
    let news = engine
        .event(10, &Event::AlertEscalated(escalated(5)), NOON + 2000)
        .expect("a new event");
    assert_eq!(notes(&news), 1, "an escalation the snapshot did not list still alarms");
}
