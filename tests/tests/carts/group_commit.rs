//! Cart changes arriving together are committed together (group commit): each is still checked,
//! answered, numbered and pushed on its own, and each answered one is on disk.

use std::collections::BTreeMap;

use futures_util::future::join_all;
use orderbell_shared::CartDTO;
use orderbell_tests::{Api, ServerProcess, Sse, TestServer, refused};
use serde_json::json;

const ADDS: u32 = 40;

/// `ADDS` diners' adds of one dish to table `table_id`, all at once: each answer's cart.
async fn add_at_once(server: &Api, table_id: i64, dish: i64) -> Vec<CartDTO> {
    let mut diners = Vec::new();
    for _ in 0..ADDS {
        diners.push(server.join(table_id, None).await);
    }
    let adds = diners.iter().enumerate().map(|(n, diner)| async move {
        let body = json!({"tableId": table_id, "cuisineId": dish, "quantity": 1, "remark": format!("第{n}份")});
        let response = server.add(&diner.token, body).await;
        assert_eq!(response.status(), 200, "no valid add may fail");
        response.json::<CartDTO>().await.expect("the new cart")
    });
    join_all(adds).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_that_breaks_a_rule_fails_alone_and_the_others_land() {
    let server = TestServer::start().await;
    let diner = server.join(3, None).await;
    // Refused by the cart's rules inside the writer, not by input checks: a dish not in the
    // cart, a dish of no store.
    let wrong = (0..10).map(|n| {
        let (server, token) = (&server, diner.token.clone());
        async move {
            let response = if n % 2 == 0 {
                server
                    .http
                    .put(server.url("/api/store/order/cart/update?tableId=3&cuisineId=1004&quantity=2"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("update request")
            } else {
                server
                    .add(&token, json!({"tableId": 3, "cuisineId": 999_999, "quantity": 1}))
                    .await
            };
            let code = if n % 2 == 0 {
                "item_not_in_cart"
            } else {
                "dish_not_found"
            };
            refused(response, 404, code).await;
        }
    });
    let (answers, _) = tokio::join!(add_at_once(&server, 3, 1009), join_all(wrong));

    let cart = server.cart(3).await;
    assert_eq!(
        cart.version,
        u64::from(ADDS),
        "only the valid changes raised the version"
    );
    assert_eq!(cart.items.len(), 1, "the refused changes wrote nothing");
    assert_eq!(cart.items[0].quantity, ADDS, "every valid add landed once");
    let mut versions: Vec<u64> = answers.iter().map(|c| c.version).collect();
    versions.sort_unstable();
    assert_eq!(
        versions,
        (1..=u64::from(ADDS)).collect::<Vec<_>>(),
        "each answer its own version"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_changes_to_one_table_are_pushed_in_version_order() {
    let server = TestServer::start().await;
    let mut phone = Sse::connect(&server.url("/api/store/order/sse/4"), server.table_token(4), None);
    phone.cart_at(0).await;
    let answers = add_at_once(&server, 4, 1011).await;
    let answered: BTreeMap<u64, CartDTO> = answers.into_iter().map(|c| (c.version, c)).collect();

    for version in 1..=u64::from(ADDS) {
        let (id, pushed) = phone.next_cart().await;
        assert_eq!(
            id, version,
            "versions arrive one by one, none skipped, none out of order"
        );
        assert_eq!(pushed.items[0].quantity, u32::try_from(version).expect("small"));
        assert_eq!(
            Some(&pushed),
            answered.get(&version),
            "the push is the cart its change was answered with"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_change_survives_a_kill_9_right_after_its_answer() {
    let mut server = ServerProcess::start(&[]).await;
    let answers = add_at_once(&server, 6, 1009).await;
    server.kill9().await;
    server.restart().await;

    let cart = server.cart(6).await;
    let newest = answers.iter().map(|c| c.version).max().expect("answers");
    assert_eq!(cart.version, newest, "the newest answered version is on disk");
    assert_eq!(cart.items[0].quantity, ADDS, "no answered add was lost");
}
