//! The owner setting the store up from the app, against the real server: tables in areas, a
//! table's new link, the QR sheet; a device credential issued and revoked (that app then says
//! so and stops); a kitchen credential is refused with the server's message.

use orderbell_desktop_core::Pairing;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_shared::access::{NewDevice, Role};
use orderbell_shared::tables::{NewTable, TableChange};
use orderbell_tests::TestServer;

use crate::{App, paid};

#[tokio::test]
async fn the_owner_adds_renames_moves_and_removes_tables_and_gets_a_new_link_and_the_sheet() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let setup = app.desk.setup();

    let tables = setup.tables().await.expect("the owner lists the tables");
    assert_eq!(tables.areas.len(), 1, "the demo store's tables stand in 大厅");
    assert_eq!(tables.areas[0].name, "大厅");
    let a01 = tables.areas[0].tables[0].clone();
    assert_eq!(a01.number, "A01");

    let added = setup
        .add_table(&NewTable {
            number: "包间1".into(),
            area: Some("包间".into()),
        })
        .await
        .expect("a new table");
    let renamed = setup
        .change_table(
            added.table_id,
            &TableChange {
                number: Some("牡丹厅".into()),
                area: None,
            },
        )
        .await
        .expect("renamed");
    assert_eq!((renamed.number.as_str(), renamed.area.as_str()), ("牡丹厅", "包间"));
    assert_eq!(renamed.link, added.link, "renaming keeps the printed code");
    let areas: Vec<String> = setup
        .tables()
        .await
        .expect("listed")
        .areas
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(areas, ["大厅", "包间"]);

    let refreshed = setup.new_table_link(a01.table_id).await.expect("a new link");
    assert_ne!(refreshed.link, a01.link);
    assert_eq!(refreshed.link_generation, a01.link_generation + 1);
    let old_token = a01.link.split("token=").nth(1).expect("the link carries its token");
    let old = reqwest::Client::new()
        .post(server.url(&format!("/api/tables/{}/diners", a01.table_id)))
        .bearer_auth(old_token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(old.status(), 401, "the old code stops working");

    let sheet = setup.qr_sheet().await.expect("the sheet");
    assert!(sheet.starts_with(b"%PDF-"), "a PDF");

    setup.remove_table(added.table_id).await.expect("an empty table goes");
    assert!(
        setup
            .tables()
            .await
            .expect("listed")
            .areas
            .iter()
            .all(|a| a.tables.iter().all(|t| t.table_id != added.table_id))
    );
}

#[tokio::test]
async fn an_occupied_table_stays_and_the_kitchen_may_not_set_up_tables() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    paid(&server, 3).await;
    let refused = app
        .desk
        .setup()
        .remove_table(3)
        .await
        .expect_err("A03 has an open order");
    let refused = orderbell_desktop_core::ActionError::from(refused);
    assert_eq!(refused.code, "table_occupied");
    assert!(refused.message.contains("A03"), "{}", refused.message);

    let kitchen_data = tempfile::tempdir().expect("data dir");
    let kitchen = App::open(&server, &server.kitchen, kitchen_data.path()).await;
    kitchen.until(|v| v.connection.state == ConnectionState::Live).await;
    let refused = kitchen.desk.setup().tables().await.expect_err("the kitchen may not");
    let refused = orderbell_desktop_core::ActionError::from(refused);
    assert_eq!(refused.code, "role_not_allowed");
    assert!(!refused.message.is_empty());
}

#[tokio::test]
async fn the_owner_issues_a_device_credential_and_revoking_it_stops_that_app_for_good() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let owner = App::merchant(&server, data.path()).await;
    let issued = owner
        .desk
        .setup()
        .issue_device(&NewDevice {
            name: "厨房平板".into(),
            role: Role::Kitchen,
        })
        .await
        .expect("the owner issues a credential");
    assert!(issued.pairing_link.contains(&issued.credential));

    let tablet_data = tempfile::tempdir().expect("data dir");
    let tablet = App::open(&server, &issued.credential, tablet_data.path()).await;
    tablet.until(|v| v.connection.state == ConnectionState::Live).await;
    let listed = owner.desk.store_report().await.expect("the report");
    let row = listed
        .devices
        .iter()
        .find(|d| d.device_id == issued.device_id)
        .expect("listed");
    assert_eq!(
        (row.name.as_str(), row.role, row.revoked),
        ("厨房平板", Role::Kitchen, false)
    );

    owner
        .desk
        .setup()
        .revoke_device(&issued.device_id)
        .await
        .expect("revoked");
    let view = tablet.until(|v| v.connection.state == ConnectionState::Revoked).await;
    assert_eq!(view.connection.error.as_deref(), Some("此设备已被停用，请重新配对"));
    tablet.later(120);
    let view = tablet.until(|_| true).await;
    assert_eq!(
        (view.connection.state, view.connection.attempt),
        (ConnectionState::Revoked, 0),
        "two minutes later: still stopped, no retries"
    );
    assert_eq!(tablet.stop_and_drain().await, [], "no lost-connection alarm");
    let listed = owner.desk.store_report().await.expect("the report");
    assert!(
        listed
            .devices
            .iter()
            .any(|d| d.device_id == issued.device_id && d.revoked)
    );

    // Started again later with the revoked credential: refused at once (401), in the same words.
    let pairing = Pairing {
        server_url: server.url(""),
        token: issued.credential.clone(),
        role: orderbell_desktop_core::Role::Kitchen,
        store_id: 1,
    };
    let again = App::paired(pairing, tablet_data.path());
    let view = again.until(|v| v.connection.state == ConnectionState::Revoked).await;
    assert_eq!(view.connection.error.as_deref(), Some("此设备已被停用，请重新配对"));
}
