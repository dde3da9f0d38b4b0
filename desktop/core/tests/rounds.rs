//! 先吃后付 on the desk, with time as a number: a table's rounds (`order_submitted`) alert like
//! paid orders but say 「下单」 then 「加菜」; 退菜, 换桌 and settling reach the board and the alerts.

use orderbell_desktop_core::Role;
use orderbell_desktop_core::alerts::Effect;
use orderbell_desktop_core::engine::Engine;
use orderbell_desktop_core::notify::{Note, NoteKind};
use orderbell_desktop_core::saved::{Heard, Settings};
use orderbell_desktop_core::voice::{Clip, VoicePlan};
use orderbell_shared::bills::{BillMoved, ItemReturned};
use orderbell_shared::events::StatusChange;
use orderbell_shared::heard::{AlertEscalated, AlertKind, EscalationReason};
use orderbell_shared::order::{Actor, OrderItemDTO, StoreSnapshot};
use orderbell_shared::{CuisineType, Event, Money, OrderDTO, OrderStatus};

const NOON: i64 = 1_763_812_800_000; // 2025-11-22 12:00 UTC
const BILL: i64 = 40;

fn item(name: &str, quantity: u32) -> OrderItemDTO {
    OrderItemDTO {
        cuisine_id: 1001,
        cuisine_name: name.into(),
        cuisine_type: CuisineType::Single,
        unit_price: Money::from_cents(3800),
        quantity,
        subtotal_amount: Money::from_cents(3800 * i64::from(quantity)),
        remark: None,
        add_user_id: None,
        returned_quantity: 0,
    }
}

/// Round `round` of bill [`BILL`] at A03, submitted unpaid.
fn round(id: i64, round: u32) -> OrderDTO {
    OrderDTO {
        order_id: id,
        order_no: format!("OB{id:08}"),
        store_id: 1,
        table_id: 3,
        table_number: "A03".into(),
        status: OrderStatus::Submitted,
        items: vec![item("宫保鸡丁", 2), item("米饭", 1)],
        total_amount: Money::from_cents(3 * 3800),
        total_quantity: 3,
        created_at: NOON,
        paid_at: None,
        accepted_at: None,
        ready_at: None,
        finished_at: None,
        reject_reason: None,
        reminder_count: 0,
        last_reminder_at: None,
        bill_id: Some(BILL),
        round: Some(round),
    }
}

fn engine(role: Role) -> Engine {
    let mut engine = Engine::new(role, Heard::default(), Settings::default());
    let snapshot = StoreSnapshot {
        store_id: 1,
        last_event_id: 1,
        orders: vec![],
        reminders: vec![],
        receipts: vec![],
        escalated: vec![],
    };
    engine.load(snapshot, NOON);
    engine
}

fn notes(effects: &[Effect]) -> Vec<&Note> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(note) => Some(note),
            Effect::Withdraw(_) | Effect::Speak(_) => None,
        })
        .collect()
}

fn said(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Speak(plan) => Some(plan.text.clone()),
            Effect::Notify(_) | Effect::Withdraw(_) => None,
        })
        .collect()
}

fn status(id: i64, from: OrderStatus, to: OrderStatus) -> Event {
    Event::OrderStatus(StatusChange {
        order_id: id,
        order_no: format!("OB{id:08}"),
        table_number: "A03".into(),
        from: Some(from),
        to,
        by: Actor::Merchant,
        reason: None,
        message: String::new(),
        at: NOON + 1000,
    })
}

#[test]
fn a_first_round_is_announced_as_ordered_and_repeats_until_accepted() {
    let mut engine = engine(Role::Merchant);
    let effects = engine
        .event(2, &Event::OrderSubmitted(round(7, 1)), NOON)
        .expect("news");
    let [note] = notes(&effects)[..] else {
        panic!("one notification: {effects:?}")
    };
    assert_eq!(note.summary, "A03号桌下单");
    assert_eq!(note.body, "宫保鸡丁×2、米饭×1\n共3件 ¥114.00 · 未付·餐后结账");
    let plan = effects
        .iter()
        .find_map(|e| match e {
            Effect::Speak(plan) => Some(plan),
            _ => None,
        })
        .expect("said at once");
    assert_eq!(plan.text, "A03号桌下单");
    assert_eq!(
        plan.clips,
        [
            Clip::Chime,
            Clip::Letter('a'),
            Clip::Digit(3),
            Clip::Table,
            Clip::Ordered
        ]
    );
    assert_eq!(engine.board.unhandled(), 1, "the tray counts it like a paid order");

    engine.policy.spoken();
    assert_eq!(
        said(&engine.policy.tick(NOON + 20_000)),
        ["A03号桌下单"],
        "repeated in its own words"
    );
    engine.policy.spoken();
    let accepted = engine
        .event(
            3,
            &status(7, OrderStatus::Submitted, OrderStatus::Accepted),
            NOON + 21_000,
        )
        .expect("news");
    assert_eq!(accepted, [Effect::Withdraw(NoteKind::NewOrder { order_id: 7 })]);
    assert!(
        said(&engine.policy.tick(NOON + 120_000)).is_empty(),
        "accepted: silence"
    );
}

#[test]
fn every_later_round_of_the_bill_is_announced_as_more_dishes() {
    let mut engine = engine(Role::Merchant);
    engine
        .event(2, &Event::OrderSubmitted(round(7, 1)), NOON)
        .expect("news");
    engine
        .event(3, &status(7, OrderStatus::Submitted, OrderStatus::Accepted), NOON)
        .expect("news");
    engine.policy.spoken();
    let more = engine
        .event(4, &Event::OrderSubmitted(round(8, 2)), NOON + 60_000)
        .expect("news");
    assert_eq!(notes(&more)[0].summary, "A03号桌加菜");
    assert_eq!(said(&more), ["A03号桌加菜"]);
    let third = engine
        .event(5, &Event::OrderSubmitted(round(9, 3)), NOON + 61_000)
        .expect("news");
    assert_eq!(notes(&third)[0].summary, "A03号桌加菜");
    assert_eq!(said(&engine.policy.spoken()), ["A03号桌加菜"], "round 3 waits its turn");
    assert_eq!(
        engine.event(5, &Event::OrderSubmitted(round(9, 3)), NOON + 62_000),
        None,
        "an event read twice is news once"
    );
}

#[test]
fn a_round_nobody_heard_is_escalated_in_its_own_words() {
    let mut engine = engine(Role::Merchant);
    engine
        .event(2, &Event::OrderSubmitted(round(8, 2)), NOON)
        .expect("news");
    engine.policy.spoken();
    let escalated = Event::AlertEscalated(AlertEscalated {
        order_id: 8,
        order_no: "OB00000008".into(),
        table_number: "A03".into(),
        alert: AlertKind::Order,
        reminder_id: None,
        reason: EscalationReason::NotHeard,
        since: NOON,
        at: NOON + 90_000,
    });
    let alarm = engine.event(3, &escalated, NOON + 90_000).expect("news");
    assert_eq!(notes(&alarm)[0].summary, "A03号桌加菜");
    assert!(
        matches!(&alarm[..], [_, Effect::Speak(plan)] if plan.text == "A03号桌加菜" && plan.volume == 1.0),
        "said again at full volume: {alarm:?}"
    );
}

#[test]
fn a_paid_second_round_is_still_a_new_order() {
    // 先付后吃 bills have rounds too; only what reaches the kitchen unpaid is 下单 or 加菜.
    let paid = OrderDTO {
        status: OrderStatus::Paid,
        paid_at: Some(NOON),
        ..round(7, 2)
    };
    assert_eq!(Note::new_order(&paid).summary, "新订单 A03号桌");
    let mut engine = engine(Role::Merchant);
    let effects = engine.event(2, &Event::OrderPaid(paid), NOON).expect("news");
    assert_eq!(said(&effects), ["您有新的订单，A03号桌"]);
}

#[test]
fn the_kitchen_chimes_for_a_submitted_round() {
    let mut engine = engine(Role::Kitchen);
    let effects = engine
        .event(2, &Event::OrderSubmitted(round(7, 1)), NOON)
        .expect("news");
    assert_eq!(
        effects,
        [Effect::Speak(VoicePlan::ticket(7, Settings::default().volume))],
        "a chime, no words and no notification"
    );
}

fn returned(order: OrderDTO, line: u32, quantity: u32) -> Event {
    Event::ItemReturned(ItemReturned {
        order_id: order.order_id,
        order_no: order.order_no.clone(),
        table_number: order.table_number.clone(),
        bill_id: order.bill_id,
        line,
        cuisine_name: order.items[line as usize].cuisine_name.clone(),
        quantity,
        amount: Money::from_cents(3800 * i64::from(quantity)),
        reason: "客人不要了".into(),
        refund_due: None,
        order,
        by: "前台".into(),
        at: NOON + 5000,
    })
}

#[test]
fn a_return_updates_the_card_and_returning_everything_takes_the_round_off_the_board() {
    let mut engine = engine(Role::Merchant);
    engine
        .event(2, &Event::OrderSubmitted(round(7, 1)), NOON)
        .expect("news");
    engine.policy.spoken();

    let mut less = round(7, 1);
    less.items[0].returned_quantity = 1;
    less.items[0].subtotal_amount = Money::from_cents(3800);
    less.total_amount = Money::from_cents(2 * 3800);
    let effects = engine.event(3, &returned(less, 0, 1), NOON + 5000).expect("news");
    assert!(effects.is_empty(), "still waiting for the merchant: nothing withdrawn");
    let card = &engine.orders()[0];
    assert_eq!(
        (card.order.items[0].returned_quantity, card.order.total_amount),
        (1, Money::from_cents(7600))
    );
    assert_eq!(
        orderbell_desktop_core::notify::items_summary(&card.order),
        "宫保鸡丁×1、米饭×1"
    );

    let mut none = round(7, 1);
    for line in &mut none.items {
        line.returned_quantity = line.quantity;
    }
    none.status = OrderStatus::Cancelled;
    let effects = engine.event(4, &returned(none, 1, 1), NOON + 6000).expect("news");
    assert_eq!(effects, [Effect::Withdraw(NoteKind::NewOrder { order_id: 7 })]);
    assert!(engine.orders().is_empty(), "a fully returned round leaves the board");
    assert!(
        said(&engine.policy.tick(NOON + 120_000)).is_empty(),
        "and is not said again"
    );
    assert_eq!(
        engine.event(
            5,
            &status(7, OrderStatus::Submitted, OrderStatus::Cancelled),
            NOON + 6000
        ),
        Some(vec![]),
        "the order_status that follows changes nothing more"
    );
}

#[test]
fn a_moved_party_s_rounds_carry_the_new_table_on_the_board_and_in_the_repeats() {
    let mut engine = engine(Role::Merchant);
    engine
        .event(2, &Event::OrderSubmitted(round(7, 1)), NOON)
        .expect("news");
    engine.policy.spoken();
    let other = OrderDTO {
        table_number: "A05".into(),
        bill_id: Some(BILL + 1),
        ..round(9, 1)
    };
    engine.event(3, &Event::OrderSubmitted(other), NOON).expect("news");
    engine.policy.spoken();
    let moved = Event::BillMoved(BillMoved {
        bill_id: BILL,
        from_table_id: 3,
        from_table_number: "A03".into(),
        to_table_id: 12,
        to_table_number: "B12".into(),
        by: "前台".into(),
        at: NOON + 1000,
    });
    assert_eq!(engine.event(4, &moved, NOON + 1000), Some(vec![]));
    let tables: Vec<_> = engine.orders().into_iter().map(|o| o.order.table_number).collect();
    assert_eq!(tables, ["B12", "A05"], "only bill {BILL}'s round moved");
    assert_eq!(said(&engine.policy.tick(NOON + 20_000)), ["B12号桌下单"]);
    assert_eq!(
        said(&engine.policy.spoken()),
        ["A05号桌下单"],
        "the other table's as it was"
    );
    assert_eq!(
        engine.board.status(7),
        Some(OrderStatus::Submitted),
        "moving changes no status"
    );
}
