//! The whole desk against the real server and dunst: a notification stays on screen exactly as
//! long as its order or 催单 needs a person, whichever device handles it.

use std::sync::Arc;

use orderbell_desktop_core::notify::Notifier;
use orderbell_desktop_core::voice::clips::ClipLibrary;
use orderbell_desktop_core::voice::player::Voice;
use orderbell_desktop_core::{Desk, DeskOptions, ManualClock, Pairing, Saved, Settings, outputs};
use orderbell_tests::TestServer;

use crate::bus::{CLOSED_BY_CALL, Monitor, Screen};

const REMINDER_INTERVAL_SECS: i64 = 180;

/// The merchant's app, as the shell starts it, without a voice: this is about the screen.
async fn open_app(server: &TestServer, data: &std::path::Path) -> Desk {
    let saved = Saved::new(data);
    let quiet = Settings {
        muted: true,
        ..Settings::default()
    };
    saved.save_settings(&quiet).expect("settings saved");
    let pairing = Pairing::resolve(&server.url("/"), &server.merchant)
        .await
        .expect("the server's own credential pairs");
    let clock = Arc::new(ManualClock::new());
    let (desk, effects) = Desk::start(pairing, saved, clock, DeskOptions::default()).expect("desk starts");
    let voice = Voice::new(ClipLibrary::new(None));
    tokio::spawn(outputs::run(desk.clone(), effects, Notifier::default(), voice));
    desk
}

/// Wait on the bus without holding up the server and the desk on this runtime.
fn until(bus: &mut Monitor, what: &str, want: impl Fn(&Screen) -> bool) -> Screen {
    tokio::task::block_in_place(|| bus.until_screen(what, want))
}

fn new_order(table: &str) -> String {
    format!("新订单 {table}号桌")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handled_orders_and_answered_hurries_leave_the_screen_and_the_rest_stays() {
    let mut bus = Monitor::start();
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let desk = open_app(&server, data.path()).await;

    let tables = ["A01", "A02", "A03", "A04"];
    let mut orders = Vec::new();
    for table_id in 1..=4 {
        let order = server.order(table_id, &[(1001, 1)]).await;
        server.pay(&order).await;
        orders.push(order);
    }
    until(&mut bus, "four 新订单 on screen", |screen| {
        tables
            .iter()
            .all(|table| screen.on_screen().contains(&new_order(table).as_str()))
    });

    // The merchant's phone accepts A01 and A02 and rejects A03; A04 waits.
    for order in &orders[..2] {
        let path = format!("/api/orders/{}/accept", order.order.order_id);
        assert_eq!(server.post_empty(&path, &server.merchant).await.status(), 200);
    }
    let path = format!("/api/orders/{}/reject", orders[2].order.order_id);
    let rejected = server
        .post(&path, &server.merchant, serde_json::json!({"reason": "售罄"}))
        .await;
    assert_eq!(rejected.status(), 200);
    let screen = until(&mut bus, "the handled orders closed", |screen| {
        tables[..3]
            .iter()
            .all(|table| !screen.on_screen().contains(&new_order(table).as_str()))
    });
    for table in &tables[..3] {
        let shown = screen.with_summary(&new_order(table));
        assert_eq!(shown.len(), 1, "one notification for {table}: {screen:#?}");
        assert_eq!(
            screen.closed.get(&shown[0].id),
            Some(&CLOSED_BY_CALL),
            "{table} was closed by the app (CloseNotification), not by the merchant or a timeout"
        );
    }
    assert!(
        screen.on_screen().contains(&new_order("A04").as_str()),
        "A04 still needs a person: {screen:#?}"
    );

    // The customer at A04 hurries twice: one 催单 notification, replaced, not two stacked.
    let a04 = &orders[3];
    let hurry = format!("/api/orders/{}/reminders", a04.order.order_id);
    assert_eq!(server.post_empty(&hurry, &a04.token).await.status(), 201);
    until(&mut bus, "A04号桌催单", |screen| {
        screen.on_screen().contains(&"A04号桌催单")
    });
    server.clock.advance_secs(REMINDER_INTERVAL_SECS);
    assert_eq!(server.post_empty(&hurry, &a04.token).await.status(), 201);
    let screen = until(&mut bus, "A04号桌催单（第2次）", |screen| {
        screen.on_screen().contains(&"A04号桌催单（第2次）")
    });
    let (first, second) = (
        screen.with_summary("A04号桌催单")[0].id,
        screen.with_summary("A04号桌催单（第2次）")[0],
    );
    assert_eq!(
        (second.replaces_id, second.id),
        (first, first),
        "the second 催单 replaces the first: {screen:#?}"
    );
    assert!(!screen.on_screen().contains(&"A04号桌催单"), "{screen:#?}");

    // The phone answers the 催单: its notification goes; the order itself still waits.
    let reply = format!("/api/orders/{}/reply", a04.order.order_id);
    let answered = server
        .post(&reply, &server.merchant, serde_json::json!({"text": "马上就好"}))
        .await;
    assert_eq!(answered.status(), 200);
    let screen = until(&mut bus, "the answered 催单 closed", |screen| {
        screen.closed.get(&first) == Some(&CLOSED_BY_CALL)
    });
    assert!(
        screen.on_screen().contains(&new_order("A04").as_str()),
        "A04 is still not accepted: {screen:#?}"
    );
    desk.stop();
}
