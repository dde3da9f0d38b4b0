//! The printers from the app, against the real server: the owner adds a network printer (it
//! prints from this device), changes its copies and hands it to the kitchen's device, sees the
//! same address refused naming who prints to it, and removes it; the kitchen's app reads the
//! list but may not add one.

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_shared::printing::{PaperWidth, PrinterChange, PrinterConnection, PrinterRole};
use orderbell_tests::TestServer;

use crate::App;

fn kitchen_printer(host: &str) -> PrinterChange {
    PrinterChange {
        name: Some("厨房打印机".into()),
        role: Some(PrinterRole::Kitchen),
        connection: Some(PrinterConnection::Network {
            host: host.into(),
            port: 9100,
        }),
        paper: Some(PaperWidth::Mm80),
        ..PrinterChange::default()
    }
}

#[tokio::test]
async fn the_owner_adds_a_printer_here_hands_it_to_the_kitchen_and_removes_it() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let owner = App::merchant(&server, data.path()).await;
    let setup = owner.desk.setup();
    let this_device = owner.desk.store_report().await.expect("the report").this_device;

    let printer = setup
        .add_printer(&kitchen_printer("192.168.1.50"))
        .await
        .expect("the owner adds a printer");
    assert_eq!(printer.device_id, this_device, "added here, it prints from here");
    assert_eq!(printer.copies, 1);

    let again = setup
        .add_printer(&kitchen_printer("192.168.1.50"))
        .await
        .expect_err("one printer per address");
    let again = ActionError::from(again);
    assert_eq!(again.code, "printer_taken");
    assert!(again.message.contains(&printer.device_name), "{}", again.message);

    let kitchen_data = tempfile::tempdir().expect("data dir");
    let kitchen = App::open(&server, &server.kitchen, kitchen_data.path()).await;
    kitchen.until(|v| v.connection.state == ConnectionState::Live).await;
    let kitchen_setup = kitchen.desk.setup();
    let listed = kitchen_setup.printers().await.expect("the kitchen reads the list");
    assert_eq!(listed, vec![printer.clone()]);
    let refused = kitchen_setup
        .add_printer(&kitchen_printer("192.168.1.60"))
        .await
        .expect_err("the kitchen may not add printers");
    assert_eq!(ActionError::from(refused).code, "role_not_allowed");

    let kitchen_device = kitchen.desk.store_report().await.expect("the report").this_device;
    let change = PrinterChange {
        copies: Some(2),
        device_id: Some(kitchen_device.clone()),
        ..PrinterChange::default()
    };
    let handed = setup
        .change_printer(printer.printer_id, &change)
        .await
        .expect("handed over");
    assert_eq!((handed.copies, handed.device_id.as_str()), (2, kitchen_device.as_str()));
    assert_eq!(setup.printers().await.expect("listed"), vec![handed]);

    setup.remove_printer(printer.printer_id).await.expect("removed");
    assert!(kitchen_setup.printers().await.expect("listed").is_empty());
}
