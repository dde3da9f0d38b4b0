//! The kitchen's desk.

use orderbell_desktop_core::view::ConnectionState;
use orderbell_desktop_core::voice::Cue;
use orderbell_desktop_core::{Action, Role};
use orderbell_shared::OrderStatus;
use orderbell_tests::TestServer;

use crate::{App, paid};

#[tokio::test]
async fn the_kitchen_hears_a_chime_per_ticket_marks_it_ready_and_recalls_it() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut kitchen = App::open(&server, &server.kitchen, data.path()).await;
    let view = kitchen.until(|v| v.connection.state == ConnectionState::Live).await;
    assert_eq!(view.role, Role::Kitchen);

    let order = paid(&server, 2).await;
    let chime = kitchen.spoke().await;
    assert_eq!(
        chime.cue,
        Cue::Ticket { order_id: order },
        "a chime, no notification, no speech"
    );
    let refused = kitchen
        .desk
        .act(order, Action::Accept)
        .await
        .expect_err("the kitchen cannot accept");
    assert_eq!(refused.code, "forbidden");

    let accepted = server
        .post_empty(&format!("/api/orders/{order}/accept"), &server.merchant)
        .await;
    assert_eq!(accepted.status(), 200);
    kitchen
        .desk
        .act(order, Action::Ready)
        .await
        .expect("the kitchen marks it ready");
    kitchen
        .until(|v| v.orders.first().is_some_and(|o| o.order.status == OrderStatus::Ready))
        .await;
    // 召回: a ticket marked ready by mistake goes back to cooking, on the server for every screen.
    kitchen
        .desk
        .act(order, Action::Recall)
        .await
        .expect("the kitchen recalls it");
    kitchen
        .until(|v| {
            v.orders
                .first()
                .is_some_and(|o| o.order.status == OrderStatus::Accepted)
        })
        .await;
    paid(&server, 3).await;
    assert!(
        matches!(kitchen.spoke().await.cue, Cue::Ticket { .. }),
        "one chime per ticket"
    );
}
