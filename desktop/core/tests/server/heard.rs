//! Heard, not just sent: the app is a device of the store, tells the server what it showed,
//! sounded and stopped, shows who heard each order, alarms again when the server escalates an
//! alert nobody heard, and keeps the store's replies across restarts.

use orderbell_desktop_core::receipts::Device;
use orderbell_desktop_core::voice::Cue;
use orderbell_desktop_core::{Action, Saved, Settings};
use orderbell_shared::Event;
use orderbell_shared::access::CredentialInfo;
use orderbell_shared::heard::{AlertKind, AlertReceipt, DeviceDTO, DeviceKind, ReceiptState};
use orderbell_shared::order::StoreSnapshot;
use orderbell_tests::{PATIENCE, Sse, TestServer};

use crate::{App, hurry, paid};

async fn get<T: serde::de::DeserializeOwned>(server: &TestServer, path: &str) -> T {
    let response = server
        .http
        .get(server.url(path))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("JSON")
}

/// The device the app is to the store: its credential's (the demo store's owner, 店主).
async fn device(server: &TestServer) -> Device {
    let me: CredentialInfo = get(server, "/api/credential").await;
    Device {
        id: me.device_id,
        name: me.name,
    }
}

/// Read the store stream until `device_id`'s receipt of `state` for `order_id`.
async fn receipt(store: &mut Sse, device_id: &str, order_id: i64, state: ReceiptState) -> AlertReceipt {
    loop {
        if let (_, Event::AlertReceipt(receipt)) = store.next_typed().await
            && receipt.device_id == device_id
            && receipt.order_id == order_id
            && receipt.state == state
        {
            return receipt;
        }
    }
}

/// This device's receipts for `order_id` in the store's snapshot, in the order made.
async fn recorded(server: &TestServer, device_id: &str, order_id: i64) -> Vec<(AlertKind, ReceiptState)> {
    let snapshot: StoreSnapshot = get(server, "/api/stores/1/orders").await;
    snapshot
        .receipts
        .iter()
        .filter(|r| r.device_id == device_id && r.order_id == order_id)
        .map(|r| (r.alert, r.state))
        .collect()
}

#[tokio::test]
async fn the_app_is_an_online_device_of_the_store_and_stays_the_same_device_after_a_restart() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let me = device(&server).await;
    // The store lists its credentials (the owner's, the kitchen's); this app is the owner's.
    let online = |devices: Vec<DeviceDTO>| devices.into_iter().filter(|d| d.online).collect::<Vec<_>>();
    let devices = online(get(&server, "/api/stores/1/devices").await);
    assert_eq!(devices.len(), 1, "{devices:?}");
    assert_eq!(
        (devices[0].device_id.as_str(), devices[0].name.as_str()),
        (me.id.as_str(), me.name.as_str())
    );
    assert!(
        devices[0].online && devices[0].kind == DeviceKind::Desktop,
        "{devices:?}"
    );

    app.close().await;
    let _app = App::merchant(&server, data.path()).await;
    let again = online(get(&server, "/api/stores/1/devices").await);
    assert_eq!(
        again.iter().map(|d| d.device_id.as_str()).collect::<Vec<_>>(),
        [me.id.as_str()],
        "the same device, not a new one per run: {again:?}"
    );
}

#[tokio::test]
async fn receipts_of_shown_sounded_and_stopped_reach_the_server_and_the_board_names_who_heard() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut store = server.store_stream(None).await;
    let mut app = App::merchant(&server, data.path()).await;
    let me = device(&server).await;

    let order = paid(&server, 3).await;
    app.notified().await;
    app.spoke().await;
    receipt(&mut store, &me.id, order, ReceiptState::Sounded).await;
    let view = app.until(|v| !v.orders[0].sounded_on.is_empty()).await;
    assert_eq!(view.orders[0].sounded_on, [me.name.as_str()], "「已在{}响铃」", me.name);
    // Shown and sounded are sent one after the other, each on its own request: either may land
    // first, so the server is asked until it has both.
    let both = async {
        loop {
            let receipts = recorded(&server, &me.id, order).await;
            if receipts.contains(&(AlertKind::Order, ReceiptState::Shown))
                && receipts.contains(&(AlertKind::Order, ReceiptState::Sounded))
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(PATIENCE, both)
        .await
        .expect("the server records that the order was shown and sounded");

    // The kitchen's tablet hears it too: the card names both.
    let kitchen = serde_json::json!({"deviceId": "kitchen-1", "deviceName": "后厨平板", "orderId": order,
        "alert": "order", "state": "sounded"});
    let posted = server.post("/api/stores/1/receipts", &server.kitchen, kitchen).await;
    assert_eq!(posted.status(), 200);
    // Named by its credential (厨房), whatever the receipt says.
    app.until(|v| v.orders[0].sounded_on == [me.name.clone(), "厨房".to_owned()])
        .await;

    // Accepted on the phone: the repeats end, and the server is told why this device went quiet.
    let accepted = server
        .post_empty(&format!("/api/orders/{order}/accept"), &server.merchant)
        .await;
    assert_eq!(accepted.status(), 200);
    receipt(&mut store, &me.id, order, ReceiptState::Stopped).await;
}

#[tokio::test]
async fn a_reminder_receipt_names_the_reminder() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut store = server.store_stream(None).await;
    let mut app = App::merchant(&server, data.path()).await;
    let me = device(&server).await;
    let order = server.order(6, &[(1001, 1)]).await;
    server.pay(&order).await;
    let id = order.order.order_id;
    app.notified().await;
    app.spoke().await;
    hurry(&server, id, &order.token).await;
    assert_eq!(app.notified().await.summary, "A06号桌催单");
    assert_eq!(app.spoke().await.cue, Cue::Hurry { order_id: id });
    let sounded = loop {
        let heard = receipt(&mut store, &me.id, id, ReceiptState::Sounded).await;
        if heard.alert == AlertKind::Reminder {
            break heard;
        }
    };
    let snapshot: StoreSnapshot = get(&server, "/api/stores/1/orders").await;
    let reminder = snapshot.reminders.iter().find(|r| r.order_id == id).expect("the 催单");
    assert_eq!(sounded.reminder_id, Some(reminder.reminder_id));
}

#[tokio::test]
async fn a_muted_app_says_it_showed_an_order_but_never_that_it_sounded_it() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let muted = Settings {
        muted: true,
        ..Settings::default()
    };
    Saved::new(data.path()).save_settings(&muted).expect("settings saved");
    let mut store = server.store_stream(None).await;
    let mut app = App::merchant(&server, data.path()).await;
    let me = device(&server).await;

    let first = paid(&server, 1).await;
    app.notified().await;
    receipt(&mut store, &me.id, first, ReceiptState::Shown).await;
    // The next thing the app does is about the next order: no voice for the first.
    let second = paid(&server, 2).await;
    assert_eq!(app.notified().await.summary, "新订单 A02号桌");
    receipt(&mut store, &me.id, second, ReceiptState::Shown).await;
    assert_eq!(
        recorded(&server, &me.id, first).await,
        [(AlertKind::Order, ReceiptState::Shown)]
    );
}

#[tokio::test]
async fn an_escalated_order_alarms_again_loudly_and_shows_unanswered_until_someone_hears_it() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let order = paid(&server, 4).await;
    app.notified().await;
    app.unheard_speech(order).await;

    // Past the store's 15 seconds, the server escalates.
    server.clock.advance_secs(16);
    app.until(|v| v.orders[0].unheard).await;
    assert_eq!(app.notified().await.summary, "新订单 A04号桌", "on screen again");
    let again = app.spoke().await;
    assert_eq!(
        (again.cue, again.volume),
        (Cue::NewOrder { order_id: order }, 1.0),
        "said again now, at full volume"
    );
    // This time it was heard: the server settles the alarm.
    let me = device(&server).await;
    let view = app.until(|v| !v.orders[0].unheard).await;
    assert_eq!(view.orders[0].sounded_on, [me.name]);
}

#[tokio::test]
async fn a_reply_stays_on_the_board_after_a_restart_and_on_a_device_paired_later() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let order = server.order(9, &[(1001, 1)]).await;
    server.pay(&order).await;
    let id = order.order.order_id;
    app.notified().await;
    app.spoke().await;
    hurry(&server, id, &order.token).await;
    app.notified().await;
    let reply = Action::Reply {
        text: "马上就好".into(),
    };
    app.desk.act(id, reply).await.expect("the merchant may reply");
    app.until(|v| v.orders[0].last_reply.is_some()).await;
    app.close().await;

    let restarted = App::merchant(&server, data.path()).await;
    let view = restarted.until(|v| !v.orders.is_empty()).await;
    assert_eq!(
        view.orders[0].last_reply.as_deref(),
        Some("马上就好"),
        "after a restart"
    );
    let elsewhere = tempfile::tempdir().expect("another machine");
    let later = App::merchant(&server, elsewhere.path()).await;
    let view = later.until(|v| !v.orders.is_empty()).await;
    assert_eq!(
        view.orders[0].last_reply.as_deref(),
        Some("马上就好"),
        "on a device paired later"
    );
}

#[tokio::test]
async fn an_order_paid_while_the_app_was_closed_shows_unanswered_until_the_app_sounds_it() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    app.close().await;
    let mut store = server.store_stream(None).await;
    let order = paid(&server, 7).await;
    // No device of the store online: the server escalates at once.
    loop {
        if let (_, Event::AlertEscalated(escalated)) = store.next_typed().await {
            assert_eq!(escalated.order_id, order);
            break;
        }
    }

    let mut app = App::merchant(&server, data.path()).await;
    let view = app.until(|v| !v.orders.is_empty()).await;
    assert!(view.orders[0].unheard, "「无人接听」 from the snapshot");
    assert_eq!(app.notified().await.summary, "新订单 A07号桌");
    app.spoke().await;
    let me = device(&server).await;
    let view = app.until(|v| !v.orders[0].unheard).await;
    assert_eq!(view.orders[0].sounded_on, [me.name.as_str()]);
}
