//! Two instances behind nginx, sharing one database and one Redis (`--redis-url`): a client on
//! one instance hears what was done on the other, whether it picked the instance or nginx did.

use orderbell_shared::Event;
use orderbell_shared::ws::AddItem;
use orderbell_shared::{CartCommand, MessageType};
use orderbell_tests::cluster::Cluster;
use orderbell_tests::metrics::{scrape, value};
use orderbell_tests::services::nginx::Nginx;
use orderbell_tests::{Sse, Ws};
use serde_json::json;

#[tokio::test]
async fn a_phone_on_one_instance_and_a_change_through_the_other_reach_each_other() {
    let cluster = Cluster::start(2).await;
    let (a, b) = (&cluster.instances[0], &cluster.instances[1]);
    for instance in &cluster.instances {
        instance.connected().await;
    }

    // A phone on b sees what a diner does on a...
    let diner = a.join(1, None).await;
    let mut on_b = Sse::connect(&b.url("/api/store/order/sse/1"), &diner.token, None)
        .connected()
        .await;
    let response = a.add(&diner.token, json!({"tableId": 1, "cuisineId": 1001})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(on_b.cart_at(1).await.items[0].cuisine_id, 1001);

    // ...and a socket on a sees what is done over a socket on b.
    let mut on_a = Ws::connect(&a.ws_url(&format!("/ws/cart/1?token={}", diner.token)))
        .await
        .expect("a socket on a");
    let mut via_b = Ws::connect(&b.ws_url(&format!("/ws/cart/1?token={}", diner.token)))
        .await
        .expect("a socket on b");
    assert_eq!(via_b.next().await.kind, MessageType::Connected);
    via_b
        .send(&CartCommand::AddItem(AddItem {
            cuisine_id: 1002,
            quantity: 1,
            remark: None,
        }))
        .await;
    assert_eq!(via_b.reply().await.kind, MessageType::AddItemSuccess);
    assert_eq!(on_a.cart_at(2).await.items.len(), 2);

    // The merchant listening on b hears an order paid on a.
    let mut merchant = b.store_stream(None).await;
    let order = a.order(2, &[(1001, 1)]).await;
    a.pay(&order).await;
    let (_, event) = merchant.next_typed().await;
    assert!(
        matches!(event, Event::OrderPaid(ref paid) if paid.order_id == order.order.order_id),
        "{event:?}"
    );
}

#[tokio::test]
async fn phones_spread_over_two_instances_by_nginx_see_every_change_made_through_it() {
    let cluster = Cluster::start(2).await;
    for instance in &cluster.instances {
        instance.connected().await;
    }
    let addrs: Vec<_> = cluster.instances.iter().map(|i| i.addr).collect();
    let nginx = Nginx::start(&addrs).await;
    let front = nginx.front(&cluster.instances[0]);

    // nginx sends each new connection to the instance with fewer (least_conn).
    let diner = front.join(3, None).await;
    let mut phones = Vec::new();
    for _ in 0..4 {
        let mut phone = Sse::connect(&front.url("/api/store/order/sse/3"), &diner.token, None)
            .connected()
            .await;
        assert_eq!(phone.next_cart().await.0, 0, "the empty cart first");
        phones.push(phone);
    }
    // Each instance's own count of open cart streams: both serve, two phones each.
    let mut open = Vec::new();
    for instance in &cluster.instances {
        let metrics = scrape(instance).await;
        open.push(value(
            &metrics,
            r#"orderbell_connections{transport="sse",stream="cart"}"#,
        ));
    }
    assert_eq!(open, [2.0, 2.0], "nginx spread the four phones over both instances");
    // Changes through nginx land on either instance; every phone sees every one, in order.
    for (version, dish) in (1..).zip([1001, 1002, 1003, 1004]) {
        let response = front.add(&diner.token, json!({"tableId": 3, "cuisineId": dish})).await;
        assert_eq!(response.status(), 200);
        for phone in &mut phones {
            let (id, cart) = phone.next_cart().await;
            assert_eq!(id, version, "each change once, in order");
            assert_eq!(cart.items.last().map(|i| i.cuisine_id), Some(dish));
        }
    }
}
