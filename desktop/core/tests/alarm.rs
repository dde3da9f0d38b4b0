//! The alarm for an alert the server escalated (nobody heard it): this device shows and says it
//! again at full volume, but never stacks it on the same announcement being said or waiting.

use orderbell_desktop_core::alerts::{AlertPolicy, Effect};
use orderbell_desktop_core::notify::Note;
use orderbell_desktop_core::saved::Settings;
use orderbell_desktop_core::voice::{Cue, VoicePlan};
use orderbell_shared::{Money, OrderDTO, OrderStatus};

const NOON: i64 = 1_763_812_800_000;

fn order(id: i64) -> OrderDTO {
    OrderDTO {
        order_id: id,
        order_no: format!("OB{id:08}"),
        store_id: 1,
        table_id: id,
        table_number: format!("A{id:02}"),
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
    }
}

fn alarm(policy: &mut AlertPolicy, id: i64, now: i64) -> Vec<Effect> {
    let o = order(id);
    policy.alarm(Note::new_order(&o), VoicePlan::new_order(id, &o.table_number, 0.5), now)
}

#[test]
fn an_escalated_order_is_shown_and_said_again_loudly_once_its_voice_is_done() {
    let mut policy = AlertPolicy::new(Settings::default());
    let first = policy.new_order(&order(1), true, NOON);
    assert!(matches!(&first[1], Effect::Speak(plan) if plan.cue == Cue::NewOrder { order_id: 1 }));
    assert_eq!(alarm(&mut policy, 1, NOON), [], "being said right now: nothing to add");
    policy.new_order(&order(2), true, NOON);
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
    policy.new_order(&order(3), true, NOON);
    let again = alarm(&mut policy, 3, NOON);
    assert!(matches!(&again[..], [Effect::Notify(_)]), "{again:?}");
}
