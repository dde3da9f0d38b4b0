//! Bad menu input gets a 4xx `{code, message}` in Chinese and changes nothing; only the store's
//! owner may change its menu.

use orderbell_tests::TestServer;
use reqwest::Method;
use serde_json::json;

use crate::{menu, owner, refused, send};

#[tokio::test]
async fn bad_dishes_and_categories_are_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let before = menu(&server).await;
    let hot = before.categories[0].category_id;
    let dish =
        |name: &str, price: serde_json::Value| json!({"categoryId": hot, "cuisineName": name, "unitPrice": price});
    let cases = [
        (dish("宫保鸡丁", json!(10)), 409, "duplicate_name"),
        (dish("新菜", json!(-1)), 422, "invalid_price"),
        (dish("新菜", json!(0)), 422, "invalid_price"),
        (dish("新菜", json!(100000)), 422, "invalid_price"),
        (dish("新菜", json!(12.345)), 422, "invalid_price"),
        (dish("新菜", json!("12.345")), 422, "invalid_price"),
        (dish("新菜", json!("十元")), 422, "invalid_price"),
        (dish("   ", json!(10)), 422, "invalid_name"),
        (
            json!({"categoryId": 9999, "cuisineName": "新菜", "unitPrice": 10}),
            404,
            "category_not_found",
        ),
        (json!({"categoryId": hot, "cuisineName": "新菜"}), 422, "missing_field"),
        (
            json!({"categoryId": hot, "cuisineName": "新套餐", "cuisineType": 2, "unitPrice": 10, "setItems": [{"cuisineId": 424242}]}),
            422,
            "invalid_set_items",
        ),
        (
            json!({"categoryId": hot, "cuisineName": "新套餐", "cuisineType": 2, "unitPrice": 10}),
            422,
            "invalid_set_items",
        ),
    ];
    for (body, status, code) in cases {
        refused(
            owner(&server, Method::POST, "/api/stores/1/dishes", Some(body)).await,
            status,
            code,
        )
        .await;
    }
    let edits = [
        (json!({"cuisineName": "鱼香肉丝"}), 409, "duplicate_name"),
        (json!({"unitPrice": -0.5}), 422, "invalid_price"),
        (json!({"cuisineName": ""}), 422, "invalid_name"),
        (json!({"description": "长".repeat(201)}), 422, "invalid_description"),
    ];
    for (body, status, code) in edits {
        refused(
            owner(&server, Method::PATCH, "/api/stores/1/dishes/1001", Some(body)).await,
            status,
            code,
        )
        .await;
    }
    for (body, status, code) in [
        (json!({"name": "凉菜"}), 409, "duplicate_name"),
        (json!({"name": " "}), 422, "invalid_name"),
    ] {
        refused(
            owner(&server, Method::POST, "/api/stores/1/categories", Some(body)).await,
            status,
            code,
        )
        .await;
    }
    let missing_one: Vec<i64> = before.categories.iter().skip(1).map(|c| c.category_id).collect();
    refused(
        owner(
            &server,
            Method::PUT,
            "/api/stores/1/categories/order",
            Some(json!({"ids": missing_one})),
        )
        .await,
        422,
        "invalid_order",
    )
    .await;
    refused(
        owner(&server, Method::DELETE, "/api/stores/1/dishes/424242", None).await,
        404,
        "dish_not_found",
    )
    .await;
    assert_eq!(
        menu(&server).await,
        before,
        "nothing changed, not even the menu's version"
    );
}

#[tokio::test]
async fn only_the_stores_owner_may_change_its_menu() {
    let server = TestServer::start().await;
    let before = menu(&server).await;
    let add = json!({"name": "夜宵"});
    let sold_out = json!({"soldOut": true});
    let kitchen = send(
        &server,
        Method::POST,
        "/api/stores/1/categories",
        &server.kitchen,
        Some(add.clone()),
    )
    .await;
    refused(kitchen, 403, "role_not_allowed").await;
    let kitchen = send(
        &server,
        Method::PUT,
        "/api/stores/1/dishes/1001/sold-out",
        &server.kitchen,
        Some(sold_out.clone()),
    )
    .await;
    refused(kitchen, 403, "role_not_allowed").await;
    let other = send(
        &server,
        Method::POST,
        "/api/stores/1/categories",
        &server.other_merchant,
        Some(add.clone()),
    )
    .await;
    refused(other, 403, "forbidden").await;
    let other = send(
        &server,
        Method::PUT,
        "/api/stores/1/dishes/1001/sold-out",
        &server.other_merchant,
        Some(sold_out),
    )
    .await;
    refused(other, 403, "forbidden").await;
    let diner = server.join(1, None).await;
    let table = send(
        &server,
        Method::PATCH,
        "/api/stores/1/dishes/1001",
        &diner.token,
        Some(json!({"unitPrice": 1})),
    )
    .await;
    refused(table, 403, "forbidden").await;
    let nobody = server
        .http
        .post(server.url("/api/stores/1/categories"))
        .json(&add)
        .send()
        .await
        .expect("request");
    refused(nobody, 401, "unauthorized").await;
    let export = send(&server, Method::GET, "/api/stores/1/menu/export", &server.kitchen, None).await;
    refused(export, 403, "role_not_allowed").await;
    // Another store's owner reaching into store 1 by a dish id of store 1 through its own path.
    let sideways = send(
        &server,
        Method::PUT,
        "/api/stores/2/dishes/1001/sold-out",
        &server.other_merchant,
        Some(json!({"soldOut": true})),
    )
    .await;
    assert!(sideways.status().is_client_error(), "store 2 has no dish 1001");
    assert_eq!(menu(&server).await, before);
}
