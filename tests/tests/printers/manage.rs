//! A printer's life: the counter adds one next to it (it prints there), the owner sets its
//! copies, paper and categories and hands it to the kitchen's device, then removes it. Every
//! device reads the same list, and each change is told on the store stream.

use orderbell_shared::Event;
use orderbell_shared::access::Role;
use orderbell_shared::printing::{PaperWidth, PrintRules, PrinterConnection, PrinterRole};
use orderbell_tests::TestServer;
use serde_json::json;

use crate::{added, category, delete, device_of, issue, network, patch, printers};

#[tokio::test]
async fn a_printer_is_added_edited_handed_over_and_removed_and_every_device_hears_of_it() {
    let server = TestServer::start().await;
    let counter = issue(&server, "前台", Role::Counter).await;
    let mut stream = server.store_stream(None).await;

    let printer = added(&server, &counter.credential, network(" 厨房打印机 ", " 192.168.1.50 ")).await;
    assert_eq!(printer.name, "厨房打印机");
    assert_eq!(
        printer.connection,
        PrinterConnection::Network {
            host: "192.168.1.50".into(),
            port: 9100
        }
    );
    assert_eq!(
        (printer.device_id.as_str(), printer.device_name.as_str()),
        (counter.device_id.as_str(), "前台"),
        "the device that adds a printer prints to it"
    );
    assert_eq!((printer.copies, printer.enabled), (1, true));
    assert_eq!(printer.rules, PrintRules::for_role(PrinterRole::Kitchen));
    assert!(
        printer.category_ids.is_empty(),
        "every category no other printer claims"
    );
    let (_, told) = stream.next_typed().await;
    let Event::PrintersChanged(changed) = told else {
        panic!("printers_changed, not {told:?}")
    };
    assert_eq!(changed.store_id, 1);

    // The kitchen's device reads the list too: it must know which printers are its own.
    assert_eq!(printers(&server, &server.kitchen).await, vec![printer.clone()]);

    let drinks = category(&server, "饮品").await;
    let kitchen = device_of(&server, &server.kitchen).await;
    let body = json!({
        "copies": 2,
        "paper": "mm58",
        "categoryIds": [drinks],
        "deviceId": kitchen.device_id,
        "rules": {"onNewOrder": true, "onAccept": true, "onReturn": false, "onReminder": false, "onSettle": false},
    });
    let response = patch(&server, &server.merchant, printer.printer_id, body).await;
    assert_eq!(response.status(), 200);
    let handed: orderbell_shared::printing::PrinterDTO = response.json().await.expect("the printer");
    assert_eq!(
        (handed.copies, handed.paper, handed.category_ids.clone()),
        (2, PaperWidth::Mm58, vec![drinks])
    );
    assert_eq!(
        (handed.device_id.as_str(), handed.device_name.as_str()),
        (kitchen.device_id.as_str(), kitchen.name.as_str()),
        "handed to the kitchen's device"
    );
    assert!(handed.rules.on_accept && !handed.rules.on_return);
    assert_eq!(
        (handed.name.as_str(), handed.connection.clone()),
        ("厨房打印机", printer.connection)
    );
    assert!(matches!(stream.next_typed().await.1, Event::PrintersChanged(_)));
    assert_eq!(printers(&server, &counter.credential).await, vec![handed.clone()]);

    let off = patch(
        &server,
        &counter.credential,
        printer.printer_id,
        json!({"enabled": false}),
    )
    .await;
    assert_eq!(off.status(), 200, "the counter may switch it off");
    assert!(matches!(stream.next_typed().await.1, Event::PrintersChanged(_)));
    assert!(!printers(&server, &server.merchant).await[0].enabled);

    assert_eq!(
        delete(&server, &server.merchant, printer.printer_id).await.status(),
        204
    );
    assert!(matches!(stream.next_typed().await.1, Event::PrintersChanged(_)));
    assert!(printers(&server, &server.kitchen).await.is_empty());
}

#[tokio::test]
async fn a_bar_printer_and_a_counter_printer_start_with_their_roles_rules_and_a_system_printer_by_queue() {
    let server = TestServer::start().await;
    let bar = added(
        &server,
        &server.merchant,
        json!({
            "name": "吧台",
            "role": "bar",
            "connection": {"kind": "network", "host": "10.0.0.8", "port": 9101},
            "paper": "mm58",
            "copies": 3,
        }),
    )
    .await;
    assert_eq!(bar.rules, PrintRules::for_role(PrinterRole::Bar));
    assert_eq!(bar.copies, 3);
    let counter = added(
        &server,
        &server.merchant,
        json!({
            "name": "收银小票",
            "role": "counter",
            "connection": {"kind": "system", "queue": " POS-80 "},
            "paper": "mm80",
        }),
    )
    .await;
    assert!(
        counter.rules.on_settle && !counter.rules.on_new_order,
        "a receipt printer prints receipts"
    );
    assert_eq!(counter.connection, PrinterConnection::System { queue: "POS-80".into() });
    let owner = device_of(&server, &server.merchant).await;
    assert_eq!(counter.device_id, owner.device_id);
    let listed: Vec<i64> = printers(&server, &server.merchant)
        .await
        .iter()
        .map(|p| p.printer_id)
        .collect();
    assert_eq!(
        listed,
        vec![bar.printer_id, counter.printer_id],
        "in the order they were added"
    );
}
