//! What is refused, with `{code, message}` in Chinese and nothing changed: a printer added twice
//! (the 409 names the device that prints to it), bad addresses, names, copies, categories and
//! devices, a kitchen device adding or editing one, and another store's credential.

use orderbell_shared::access::Role;
use orderbell_tests::{TestServer, refused};
use serde_json::json;

use crate::{add, added, delete, device_of, issue, network, patch, printers};

#[tokio::test]
async fn the_same_printer_twice_is_refused_naming_the_device_that_prints_to_it() {
    let server = TestServer::start().await;
    let counter = issue(&server, "前台", Role::Counter).await;
    let first = added(&server, &counter.credential, network("厨房打印机", "192.168.1.50")).await;

    let again = add(&server, &server.merchant, network("另一台", " 192.168.1.50")).await;
    let body = refused(again, 409, "printer_taken").await;
    assert_eq!(
        body.message,
        "这台打印机已由「前台」打印，请在那台设备上修改，或把它交给本机"
    );

    let second = added(&server, &server.merchant, network("吧台打印机", "192.168.1.51")).await;
    let moved = json!({"connection": {"kind": "network", "host": "192.168.1.50", "port": 9100}});
    refused(
        patch(&server, &server.merchant, second.printer_id, moved).await,
        409,
        "printer_taken",
    )
    .await;
    let listed = printers(&server, &server.merchant).await;
    assert_eq!(listed, vec![first, second], "nothing changed");
}

#[tokio::test]
async fn bad_printers_are_refused_with_what_to_do() {
    let server = TestServer::start().await;
    let owner = &server.merchant;
    let with = |field: &str, value: serde_json::Value| {
        let mut body = network("厨房打印机", "192.168.1.50");
        body[field] = value;
        body
    };
    let cases = [
        (with("name", json!("  ")), "invalid_printer_name"),
        (
            with("name", json!("一二三四五六七八九十一二三四五六七")),
            "invalid_printer_name",
        ),
        (
            with(
                "connection",
                json!({"kind": "network", "host": "192.168.1.300", "port": 9100}),
            ),
            "invalid_printer_host",
        ),
        (
            with("connection", json!({"kind": "network", "host": "厨房", "port": 9100})),
            "invalid_printer_host",
        ),
        (
            with("connection", json!({"kind": "network", "host": "10.0.0.1", "port": 0})),
            "invalid_printer_port",
        ),
        (
            with("connection", json!({"kind": "system", "queue": "my printer"})),
            "invalid_printer_queue",
        ),
        (with("copies", json!(0)), "invalid_copies"),
        (with("copies", json!(6)), "invalid_copies"),
        (with("categoryIds", json!([987_654])), "unknown_category"),
        (with("deviceId", json!("987654")), "unknown_device"),
        (json!({"name": "厨房打印机"}), "printer_incomplete"),
    ];
    for (body, code) in cases {
        refused(add(&server, owner, body.clone()).await, 422, code).await;
    }

    // A device of another store, or a revoked one, prints nothing of this store.
    let theirs = device_of(&server, &server.other_merchant).await;
    refused(
        add(&server, owner, with("deviceId", json!(theirs.device_id))).await,
        422,
        "unknown_device",
    )
    .await;
    let gone = issue(&server, "旧平板", Role::Counter).await;
    let revoke = server
        .http
        .delete(server.url(&format!("/api/stores/1/devices/{}", gone.device_id)))
        .bearer_auth(owner);
    assert_eq!(revoke.send().await.expect("revoked").status(), 204);
    refused(
        add(&server, owner, with("deviceId", json!(gone.device_id))).await,
        422,
        "unknown_device",
    )
    .await;

    let printer = added(&server, owner, network("厨房打印机", "192.168.1.50")).await;
    refused(
        patch(&server, owner, printer.printer_id, json!({"copies": 9})).await,
        422,
        "invalid_copies",
    )
    .await;
    refused(
        patch(&server, owner, 99_999, json!({"copies": 2})).await,
        404,
        "printer_not_found",
    )
    .await;
    refused(delete(&server, owner, 99_999).await, 404, "printer_not_found").await;
    assert_eq!(printers(&server, owner).await, vec![printer], "nothing changed");
}

#[tokio::test]
async fn the_kitchen_reads_the_printers_but_does_not_change_them_and_another_store_sees_none() {
    let server = TestServer::start().await;
    let printer = added(&server, &server.merchant, network("厨房打印机", "192.168.1.50")).await;

    let kitchen = &server.kitchen;
    assert_eq!(printers(&server, kitchen).await, vec![printer.clone()]);
    refused(
        add(&server, kitchen, network("后厨", "192.168.1.60")).await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        patch(&server, kitchen, printer.printer_id, json!({"copies": 2})).await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        delete(&server, kitchen, printer.printer_id).await,
        403,
        "role_not_allowed",
    )
    .await;

    let other = &server.other_merchant;
    refused(server.get("/api/stores/1/printers", other).await, 403, "forbidden").await;
    refused(
        add(&server, other, network("闯入者", "192.168.1.70")).await,
        403,
        "forbidden",
    )
    .await;
    // Another store's printer is as good as absent.
    refused(
        patch(&server, other, printer.printer_id, json!({"copies": 2})).await,
        404,
        "printer_not_found",
    )
    .await;
    refused(
        delete(&server, other, printer.printer_id).await,
        404,
        "printer_not_found",
    )
    .await;
    let theirs = server.get("/api/stores/2/printers", other).await;
    assert_eq!(theirs.status(), 200);
    let theirs: Vec<orderbell_shared::printing::PrinterDTO> = theirs.json().await.expect("their list");
    assert!(theirs.is_empty(), "store 1's printers are not store 2's");
    assert_eq!(
        printers(&server, &server.merchant).await,
        vec![printer],
        "nothing changed"
    );
}
