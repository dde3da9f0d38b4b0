//! Many phones changing one table's cart at the same moment lose no update.

use orderbell_shared::ws::AddItem;
use orderbell_shared::{CartCommand, MessageType, Money};
use orderbell_tests::{Sse, TestServer, Ws};
use serde_json::json;

const DINERS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_diners_adding_at_once_end_with_the_exact_total_everywhere() {
    let server = TestServer::start().await;
    let mut watcher_sse = Sse::connect(&server.url("/api/store/order/sse/2"), server.table_token(2), None);
    let mut watcher_ws = Ws::connect(&server.ws_url(&format!("/ws/cart/2?token={}", server.table_token(2))))
        .await
        .expect("ws");
    watcher_sse.cart_at(0).await;
    watcher_ws.cart_at(0).await;

    let mut diners = Vec::new();
    for _ in 0..DINERS {
        diners.push(server.join(2, None).await);
    }
    // Half add over HTTP, half over WebSocket; all of them the same dish and one more dish each.
    let mut sockets = Vec::new();
    for diner in &diners[DINERS / 2..] {
        let mut ws = Ws::connect(&server.ws_url(&format!("/ws/cart/2?token={}", diner.token)))
            .await
            .expect("ws");
        ws.next().await; // connected
        ws.cart_at(0).await;
        sockets.push(ws);
    }
    let http = diners[..DINERS / 2].iter().map(|diner| {
        let server = &server;
        async move {
            let a = server
                .add(&diner.token, json!({"tableId": 2, "cuisineId": 1009, "quantity": 1}))
                .await;
            let b = server
                .add(&diner.token, json!({"tableId": 2, "cuisineId": 1011, "quantity": 1}))
                .await;
            assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        }
    });
    let websocket = sockets.iter_mut().map(|ws| async move {
        for dish in [1009, 1011] {
            ws.send(&CartCommand::AddItem(AddItem {
                cuisine_id: dish,
                quantity: 1,
                remark: None,
            }))
            .await;
            let reply = ws.reply().await;
            assert_eq!(reply.kind, MessageType::AddItemSuccess, "no add may fail: {reply:?}");
        }
    });
    tokio::join!(
        futures_util::future::join_all(http),
        futures_util::future::join_all(websocket)
    );

    let changes = (2 * DINERS) as u64;
    let expected = server.cart(2).await;
    assert_eq!(
        expected.version, changes,
        "every change raised the version exactly once"
    );
    let quantities: Vec<(i64, u32)> = expected.items.iter().map(|i| (i.cuisine_id, i.quantity)).collect();
    assert_eq!(quantities, vec![(1009, DINERS as u32), (1011, DINERS as u32)]);
    assert_eq!(expected.total_amount, Money::from_cents(DINERS as i64 * (200 + 850)));

    assert_eq!(
        watcher_sse.cart_at(changes).await,
        expected,
        "the SSE watcher ends on the same cart"
    );
    assert_eq!(
        watcher_ws.cart_at(changes).await,
        expected,
        "the WebSocket watcher ends on the same cart"
    );
    for ws in &mut sockets {
        assert_eq!(ws.cart_at(changes).await, expected, "every adder ends on the same cart");
    }
}
