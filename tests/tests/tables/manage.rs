//! The owner adds, renumbers, moves and removes tables; a table in use is neither renumbered nor
//! removed, and a refusal changes nothing.

use orderbell_shared::TableDTO;
use orderbell_tests::{Sse, TestServer};
use serde_json::json;

use crate::owner::{all, refusal, table, tables, token_of};

async fn add(server: &TestServer, body: serde_json::Value) -> reqwest::Response {
    server.post("/api/stores/1/tables", &server.merchant, body).await
}

async fn patch(server: &TestServer, table_id: i64, body: serde_json::Value) -> reqwest::Response {
    let path = format!("/api/stores/1/tables/{table_id}");
    let request = server
        .http
        .patch(server.url(&path))
        .bearer_auth(&server.merchant)
        .json(&body);
    request.send().await.expect("PATCH reaches the server")
}

async fn remove(server: &TestServer, table_id: i64) -> reqwest::Response {
    let path = format!("/api/stores/1/tables/{table_id}");
    let request = server.http.delete(server.url(&path)).bearer_auth(&server.merchant);
    request.send().await.expect("DELETE reaches the server")
}

#[tokio::test]
async fn the_demo_tables_stand_in_the_hall_with_the_links_printed_before() {
    let server = TestServer::start().await;
    let listed = tables(&server).await;
    assert_eq!(listed.store_name, "铃声小馆");
    assert_eq!(listed.areas.len(), 1);
    assert_eq!(
        listed.areas[0].name, "大厅",
        "tables there before areas stand in the hall"
    );
    let numbers: Vec<&str> = listed.areas[0].tables.iter().map(|t| t.number.as_str()).collect();
    let expected: Vec<String> = (1..=12).map(|i| format!("A{i:02}")).collect();
    assert_eq!(numbers, expected);
    for table in all(&listed) {
        let printed = server
            .links
            .iter()
            .find(|l| l.table_id == table.table_id)
            .expect("printed");
        assert_eq!(table.link, printed.url, "a QR code printed before still matches");
        assert_eq!(table.link_generation, 0);
        assert!(!table.occupied);
    }
}

#[tokio::test]
async fn tables_are_added_in_areas_renamed_moved_and_removed() {
    let server = TestServer::start().await;

    let response = add(&server, json!({"number": " 包间1 ", "area": "包间"})).await;
    assert_eq!(response.status(), 201);
    let room: TableDTO = response.json().await.expect("the new table");
    assert_eq!((room.number.as_str(), room.area.as_str()), ("包间1", "包间"));
    let joined = server
        .post(
            &format!("/api/tables/{}/diners", room.table_id),
            token_of(&room.link),
            json!({}),
        )
        .await;
    assert_eq!(joined.status(), 200, "a new table's link works at once");

    let hall: TableDTO = add(&server, json!({"number": "A13"}))
        .await
        .json()
        .await
        .expect("table");
    assert_eq!(hall.area, "大厅", "the hall unless said otherwise");
    let listed = tables(&server).await;
    let areas: Vec<(&str, usize)> = listed.areas.iter().map(|a| (a.name.as_str(), a.tables.len())).collect();
    assert_eq!(areas, vec![("大厅", 13), ("包间", 1)]);

    let renamed: TableDTO = patch(&server, room.table_id, json!({"number": "包间2"}))
        .await
        .json()
        .await
        .expect("renamed");
    assert_eq!((renamed.number.as_str(), renamed.area.as_str()), ("包间2", "包间"));
    assert_eq!(renamed.link, room.link, "a new name keeps the printed code");
    let moved: TableDTO = patch(&server, hall.table_id, json!({"area": "包间"}))
        .await
        .json()
        .await
        .expect("moved");
    assert_eq!((moved.number.as_str(), moved.area.as_str()), ("A13", "包间"));
    let listed = tables(&server).await;
    let rooms: Vec<&str> = listed.areas[1].tables.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(rooms, vec!["A13", "包间2"]);

    assert_eq!(remove(&server, hall.table_id).await.status(), 204);
    assert!(all(&tables(&server).await).iter().all(|t| t.number != "A13"));
    let cart = server
        .http
        .get(server.url(&format!("/api/store/order/cart/{}", hall.table_id)))
        .bearer_auth(token_of(&hall.link))
        .send()
        .await
        .expect("cart request");
    assert_eq!(
        refusal(cart).await,
        (401, "link_revoked".to_owned()),
        "a removed table's code stops working"
    );

    let again: TableDTO = add(&server, json!({"number": "A13"}))
        .await
        .json()
        .await
        .expect("added again");
    assert_ne!(
        again.table_id, hall.table_id,
        "a removed table's number is free for a new table"
    );
    assert_ne!(again.link, hall.link);
}

#[tokio::test]
async fn bad_names_and_taken_numbers_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let before = tables(&server).await;
    let cases = [
        (add(&server, json!({"number": "A01"})).await, 409, "table_number_taken"),
        (add(&server, json!({"number": "  "})).await, 422, "invalid_table_number"),
        (
            add(&server, json!({"number": "桌".repeat(17)})).await,
            422,
            "invalid_table_number",
        ),
        (
            add(&server, json!({"number": "A14", "area": ""})).await,
            422,
            "invalid_area",
        ),
        (add(&server, json!({"area": "包间"})).await, 422, "invalid_body"),
        (
            patch(&server, 2, json!({"number": "A01"})).await,
            409,
            "table_number_taken",
        ),
        (
            patch(&server, 2, json!({"number": "A\n2"})).await,
            422,
            "invalid_table_number",
        ),
        (
            patch(&server, 999, json!({"number": "A99"})).await,
            404,
            "table_not_found",
        ),
        (remove(&server, 999).await, 404, "table_not_found"),
    ];
    for (response, status, code) in cases {
        assert_eq!(refusal(response).await, (status, code.to_owned()));
    }
    assert_eq!(tables(&server).await, before, "nothing changed");
}

/// A phone at the table when it is renumbered is sent its cart with the new number, and a phone
/// that joins afterwards, while the first still listens, is not given the cart kept from before.
#[tokio::test]
async fn a_renumbered_table_sends_its_cart_with_the_new_number() {
    let server = TestServer::start().await;
    let stream = server.url("/api/store/order/sse/1");
    let diner = server.join(1, None).await;
    let mut phone = Sse::connect(&stream, &diner.token, None).connected().await;
    let (before, cart) = phone.next_cart().await;
    assert_eq!(cart.table_number, "A01");

    let response = patch(&server, 1, json!({"number": "窗边1"})).await;
    assert_eq!(response.status(), 200);
    let (after, cart) = phone.next_cart().await;
    assert_eq!(cart.table_number, "窗边1", "the phone at the table is told");
    assert!(after > before, "a new version, so a phone that resumes gets it too");

    let later = server.join(1, None).await;
    let mut second = Sse::connect(&stream, &later.token, None).connected().await;
    assert_eq!(second.next_cart().await.1.table_number, "窗边1");
    assert_eq!(server.cart(1).await.table_number, "窗边1");

    // The area alone is not the cart's: nothing is sent for it.
    let response = patch(&server, 1, json!({"area": "包间"})).await;
    assert_eq!(response.status(), 200);
    let diner_add = server.add(&diner.token, json!({"tableId": 1, "cuisineId": 1001})).await;
    assert_eq!(diner_add.status(), 200);
    let (next, cart) = phone.next_cart().await;
    assert_eq!(
        (next, cart.items.len()),
        (after + 1, 1),
        "the next cart sent is the dish added"
    );
}

#[tokio::test]
async fn a_table_in_use_is_neither_renumbered_nor_removed() {
    let server = TestServer::start().await;
    let diner = server.join(3, None).await;
    let added = server
        .add(&diner.token, json!({"tableId": 3, "cuisineId": 1001, "quantity": 1}))
        .await;
    assert_eq!(added.status(), 200);
    assert!(table(&server, "A03").await.occupied, "a cart with a dish in it");

    assert_eq!(
        refusal(remove(&server, 3).await).await,
        (409, "table_occupied".to_owned())
    );
    let renumber = patch(&server, 3, json!({"number": "A33"})).await;
    assert_eq!(refusal(renumber).await, (409, "table_occupied".to_owned()));
    assert_eq!(server.cart(3).await.items.len(), 1, "the cart is untouched");
    let moved = patch(&server, 3, json!({"area": "露台"})).await;
    assert_eq!(moved.status(), 200, "moving it to another area troubles nobody");
    assert_eq!(table(&server, "A03").await.area, "露台");

    assert_eq!(server.clear(&diner.token, 3).await.status(), 200);
    assert!(!table(&server, "A03").await.occupied);

    // An order waiting for payment holds the table, though its cart is empty again.
    let order = server.order(3, &[(1002, 1)]).await;
    assert!(server.cart(3).await.items.is_empty());
    assert_eq!(
        refusal(remove(&server, 3).await).await,
        (409, "table_occupied".to_owned())
    );
    let cancelled = server
        .post_empty(&format!("/api/orders/{}/cancel", order.order.order_id), &order.token)
        .await;
    assert!(cancelled.status().is_success());
    assert_eq!(
        remove(&server, 3).await.status(),
        204,
        "a finished order frees the table"
    );
    assert!(all(&tables(&server).await).iter().all(|t| t.table_id != 3));
}
