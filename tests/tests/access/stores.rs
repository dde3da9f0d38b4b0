//! The operator creates stores over HTTP; each comes with its owner's pairing link.

use orderbell_shared::access::{CreatedStore, CredentialInfo, Role};
use orderbell_tests::TestServer;
use serde_json::json;

use crate::{get, refused};

#[tokio::test]
async fn the_operator_creates_a_store_and_its_owner_pairs_with_the_link() {
    let server = TestServer::start().await;
    let response = server
        .post("/api/stores", &server.operator, json!({"name": " 川味小馆 "}))
        .await;
    assert_eq!(response.status(), 201);
    let created: CreatedStore = response.json().await.expect("the new store");
    assert_eq!((created.store_id, created.name.as_str()), (3, "川味小馆"));
    let owner = &created.owner;
    assert_eq!(
        owner.pairing_link,
        format!("{}/?token={}", server.url(""), owner.credential),
        "the desktop app pairs with the server's address carrying the credential"
    );

    // The credential is the new store's owner: it says so, and it opens that store.
    let me: CredentialInfo = get(&server, "/api/credential", &owner.credential)
        .await
        .json()
        .await
        .expect("who am I");
    assert_eq!((me.store_id, me.role, me.name.as_str()), (3, Role::Owner, "店主"));
    let events = get(&server, "/api/stores/3/orders", &owner.credential).await;
    assert_eq!(events.status(), 200);
    refused(
        get(&server, "/api/stores/1/orders", &owner.credential).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn only_the_operator_creates_stores_and_bad_names_change_nothing() {
    let server = TestServer::start().await;
    for token in [&server.merchant, &server.kitchen, &server.other_merchant] {
        refused(
            server.post("/api/stores", token, json!({"name": "新店"})).await,
            403,
            "forbidden",
        )
        .await;
    }
    refused(
        server
            .post("/api/stores", server.table_token(1), json!({"name": "新店"}))
            .await,
        403,
        "forbidden",
    )
    .await;
    let anonymous = server
        .http
        .post(server.url("/api/stores"))
        .json(&json!({"name": "新店"}))
        .send();
    refused(anonymous.await.expect("sent"), 401, "unauthorized").await;

    let op = &server.operator;
    let body = refused(
        server.post("/api/stores", op, json!({"name": "铃声小馆"})).await,
        409,
        "store_name_taken",
    )
    .await;
    assert!(body.message.contains("铃声小馆"), "{}", body.message);
    for bad in [
        json!({"name": ""}),
        json!({"name": "  "}),
        json!({"name": "店".repeat(31)}),
    ] {
        refused(server.post("/api/stores", op, bad).await, 422, "invalid_store_name").await;
    }
    refused(server.post("/api/stores", op, json!({})).await, 422, "invalid_body").await;

    // Nothing was created: the next store is still number 3.
    let created: CreatedStore = server
        .post("/api/stores", op, json!({"name": "新店"}))
        .await
        .json()
        .await
        .expect("created");
    assert_eq!(created.store_id, 3);
}

/// The README's way: the server runs, and `orderbell store create` (or `orderbell credential`)
/// runs beside it on the same data. What the command issued holds at once, without a restart.
#[tokio::test]
async fn a_credential_issued_beside_the_running_server_holds_at_once() {
    let server = TestServer::start().await;
    let command = orderbell_server::App::open(&server.command_config())
        .await
        .expect("the command opens the same data");
    let created = command.create_store("夜宵铺").await.expect("store create");
    let me: CredentialInfo = get(&server, "/api/credential", &created.owner.credential)
        .await
        .json()
        .await
        .expect("the running server knows the new owner");
    assert_eq!((me.store_id, me.role), (created.store_id, Role::Owner));

    let tablet = command
        .credential(1, Role::Kitchen, Some("二号厨房"))
        .await
        .expect("orderbell credential");
    assert_eq!(get(&server, "/api/stores/1/orders", &tablet).await.status(), 200);
    let devices: Vec<orderbell_shared::heard::DeviceDTO> = get(&server, "/api/stores/1/devices", &server.merchant)
        .await
        .json()
        .await
        .expect("the owner's device list");
    assert!(
        devices.iter().any(|d| d.name == "二号厨房" && d.role == Role::Kitchen),
        "the owner sees the tablet issued on the command line: {devices:?}"
    );
}
