//! The owner's panel against the real server: which devices are online, every stretch an alert
//! went unheard, and the owner's choice of what happens then, which only the merchant may change.

use orderbell_desktop_core::Action;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_shared::access::CredentialInfo;
use orderbell_shared::heard::{AlertKind, AlertSettings, DeviceKind, EscalationReason, UnheardAction};
use orderbell_tests::TestServer;

use crate::{App, paid};

#[tokio::test]
async fn the_devices_list_shows_this_app_online() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    // This app is the device its credential names (the demo store's owner, 店主).
    let me: CredentialInfo = server
        .http
        .get(server.url("/api/credential"))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("who am I");

    let report = app.desk.store_report().await.expect("the merchant sees the store");
    assert_eq!(report.this_device, me.device_id, "the panel can mark this app 本机");
    let listed = report
        .devices
        .iter()
        .find(|d| d.device_id == me.device_id)
        .expect("this app is a device of the store");
    assert!(
        listed.online && listed.kind == DeviceKind::Desktop && listed.name == me.name,
        "{listed:?}"
    );
    assert!(report.unheard.alerts.is_empty() && report.can_edit, "{report:?}");
}

#[tokio::test]
async fn an_escalated_order_is_in_the_unheard_report_until_settled_with_how_long() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let order = paid(&server, 5).await;
    app.notified().await;
    app.unheard_speech(order).await;
    server.clock.advance_secs(16);
    app.until(|v| v.orders.first().is_some_and(|o| o.unheard)).await;

    let report = app.desk.store_report().await.expect("the report");
    let stretch = &report.unheard.alerts[0];
    assert_eq!(
        (
            stretch.order_id,
            stretch.table_number.as_str(),
            stretch.alert,
            stretch.reason
        ),
        (order, "A05", AlertKind::Order, EscalationReason::NotHeard)
    );
    assert_eq!(stretch.settled_at, None, "still unheard");

    server.clock.advance_secs(4);
    app.desk.act(order, Action::Accept).await.expect("accepted");
    app.until(|v| v.orders.first().is_some_and(|o| !o.unheard)).await;
    let report = app.desk.store_report().await.expect("the report");
    let stretch = &report.unheard.alerts[0];
    assert!(stretch.settled_at.is_some(), "settled by accepting: {stretch:?}");
    assert_eq!(
        stretch.unheard_ms, 20_000,
        "from payment to accepting, by the server's clock"
    );
    assert_eq!(report.unheard.total_ms, 20_000);
}

#[tokio::test]
async fn the_owner_saves_the_alert_setting_and_the_kitchen_may_only_read_it() {
    let server = TestServer::start().await;
    let merchant_data = tempfile::tempdir().expect("data dir");
    let merchant = App::merchant(&server, merchant_data.path()).await;
    let chosen = AlertSettings {
        escalate_after_secs: 30,
        unheard_action: UnheardAction::Accept,
        unheard_action_after_secs: 120,
    };
    let saved = merchant
        .desk
        .save_alert_settings(chosen.clone())
        .await
        .expect("the merchant may choose");
    assert_eq!(saved, chosen);
    let report = merchant.desk.store_report().await.expect("the report");
    assert_eq!(report.settings, chosen, "kept by the server");

    let too_soon = AlertSettings {
        escalate_after_secs: 3,
        ..chosen.clone()
    };
    let refused = merchant
        .desk
        .save_alert_settings(too_soon)
        .await
        .expect_err("3 seconds is below the server's 5");
    assert_eq!(refused.code, "invalid_settings", "{refused:?}");

    let kitchen_data = tempfile::tempdir().expect("data dir");
    let kitchen = App::open(&server, &server.kitchen, kitchen_data.path()).await;
    kitchen.until(|v| v.connection.state == ConnectionState::Live).await;
    let report = kitchen.desk.store_report().await.expect("the kitchen sees the store");
    assert_eq!(report.settings, chosen);
    assert!(!report.can_edit, "the panel is read-only in the kitchen");
    let refused = kitchen
        .desk
        .save_alert_settings(AlertSettings::default())
        .await
        .expect_err("the kitchen may not choose");
    assert_eq!(refused.code, "role_not_allowed", "only the owner sets the store up");
    let report = merchant.desk.store_report().await.expect("the report");
    assert_eq!(report.settings, chosen, "unchanged by the kitchen");
}
