//! Two apps of one store against the real server, dunst and ALSA, one of them muted: the server
//! learns from each what its real outputs did — shown by both, sounded only by the one that
//! played the voice.

use std::sync::Arc;

use orderbell_desktop_core::notify::Notifier;
use orderbell_desktop_core::receipts::Device;
use orderbell_desktop_core::voice::clips::ClipLibrary;
use orderbell_desktop_core::voice::player::Voice;
use orderbell_desktop_core::{Desk, DeskOptions, ManualClock, Pairing, Saved, Settings, outputs};
use orderbell_shared::Event;
use orderbell_shared::access::{CredentialInfo, IssuedDevice};
use orderbell_shared::heard::{AlertKind, ReceiptState};
use orderbell_shared::order::StoreSnapshot;
use orderbell_tests::{Sse, TestServer};

/// An app as the shell starts it, paired with `token`, with the real notifier and voice; the
/// device it is to the store (its credential's).
async fn open_app(server: &TestServer, token: &str, data: &std::path::Path, muted: bool) -> (Desk, Device) {
    let saved = Saved::new(data);
    let settings = Settings {
        muted,
        ..Settings::default()
    };
    saved.save_settings(&settings).expect("settings saved");
    let pairing = Pairing::resolve(&server.url("/"), token)
        .await
        .expect("the server's own credential pairs");
    let clock = Arc::new(ManualClock::new());
    let (desk, effects) = Desk::start(pairing, saved.clone(), clock, DeskOptions::default()).expect("desk starts");
    let voice = Voice::new(ClipLibrary::new(None));
    tokio::spawn(outputs::run(desk.clone(), effects, Notifier::default(), voice));
    let me: CredentialInfo = server
        .http
        .get(server.url("/api/credential"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("who am I");
    let device = Device {
        id: me.device_id,
        name: me.name,
    };
    (desk, device)
}

/// Read the store stream until every (device, state) of `want` has sent its receipt.
async fn receipts(store: &mut Sse, order_id: i64, mut want: Vec<(&str, ReceiptState)>) {
    while !want.is_empty() {
        if let (_, Event::AlertReceipt(r)) = store.next_typed().await
            && r.order_id == order_id
        {
            want.retain(|(device, state)| (*device, *state) != (r.device_id.as_str(), r.state));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_app_tells_the_server_what_it_showed_and_sounded_and_a_muted_one_never_sounds() {
    // This test plays the voice: not while another test reads the capture.
    let _speakers = crate::SPEAKERS.lock().await;
    let server = TestServer::start().await;
    let mut store = server.store_stream(None).await;
    let (loud_dir, muted_dir) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    // Two machines, each with a credential of its own: the owner's at the counter, a counter
    // credential in the office.
    let issued = server
        .post(
            "/api/stores/1/devices",
            &server.merchant,
            serde_json::json!({"name": "办公室电脑", "role": "counter"}),
        )
        .await;
    assert_eq!(issued.status(), 201);
    let issued: IssuedDevice = issued.json().await.expect("issued");
    let (loud, counter) = open_app(&server, &server.merchant, loud_dir.path(), false).await;
    let (muted, office) = open_app(&server, &issued.credential, muted_dir.path(), true).await;
    assert_ne!(counter.id, office.id, "two machines, two devices");
    let mut views = (loud.view(), muted.view());
    views
        .0
        .wait_for(|v| v.connection.state == orderbell_desktop_core::view::ConnectionState::Live)
        .await
        .expect("live");
    views
        .1
        .wait_for(|v| v.connection.state == orderbell_desktop_core::view::ConnectionState::Live)
        .await
        .expect("live");

    let order = server.order(2, &[(1001, 1)]).await;
    server.pay(&order).await;
    let id = order.order.order_id;
    let want = vec![
        (counter.id.as_str(), ReceiptState::Shown),
        (counter.id.as_str(), ReceiptState::Sounded),
        (office.id.as_str(), ReceiptState::Shown),
    ];
    tokio::time::timeout(orderbell_tests::PATIENCE, receipts(&mut store, id, want))
        .await
        .expect("the receipts come");

    let response = server
        .http
        .get(server.url("/api/stores/1/orders"))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("snapshot");
    let snapshot: StoreSnapshot = response.json().await.expect("JSON");
    let of = |device: &Device| -> Vec<(AlertKind, ReceiptState)> {
        let mine = snapshot
            .receipts
            .iter()
            .filter(|r| r.device_id == device.id && r.order_id == id);
        mine.map(|r| (r.alert, r.state)).collect()
    };
    assert_eq!(
        of(&office),
        [(AlertKind::Order, ReceiptState::Shown)],
        "muted: shown, never sounded"
    );
    let heard = of(&counter);
    assert!(heard.contains(&(AlertKind::Order, ReceiptState::Sounded)), "{heard:?}");
    // The board of both names the device that sounded it.
    for view in [&mut views.0, &mut views.1] {
        let name = counter.name.clone();
        view.wait_for(|v| v.orders.first().is_some_and(|o| o.sounded_on == [name.clone()]))
            .await
            .expect("who heard is shown");
    }
    loud.stop();
    muted.stop();
}
