//! 先吃后付 against the real server: the owner switches the store to pay later, a table orders
//! and then adds dishes, and the app announces 「A03号桌下单」 then 「A03号桌加菜」, each repeated
//! until accepted, with no payment anywhere.

use orderbell_desktop_core::notify::NoteKind;
use orderbell_desktop_core::voice::Clip;
use orderbell_desktop_core::{Action, Effect};
use orderbell_shared::OrderStatus;
use orderbell_shared::bills::OrderingMode;
use orderbell_shared::store::StoreSettingsPatch;
use orderbell_tests::TestServer;

use crate::App;

#[tokio::test]
async fn a_tables_first_round_is_ordered_and_the_next_is_more_dishes_each_until_accepted() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let pay_later = StoreSettingsPatch {
        ordering_mode: Some(OrderingMode::PayLater),
        ..StoreSettingsPatch::default()
    };
    let store = app
        .desk
        .setup()
        .change_store(&pay_later)
        .await
        .expect("the owner switches");
    assert_eq!(store.ordering_mode, OrderingMode::PayLater);

    let first = server.order(3, &[(1001, 1)]).await.order;
    assert_eq!(first.status, OrderStatus::Submitted, "sent to the kitchen unpaid");
    let note = app.notified().await;
    assert_eq!(note.summary, "A03号桌下单");
    assert!(note.body.contains("未付·餐后结账"), "{}", note.body);
    let plan = app.spoke().await;
    assert_eq!(plan.text, "A03号桌下单");
    assert!(plan.clips.ends_with(&[Clip::Table, Clip::Ordered]), "{plan:?}");
    let view = app.until(|v| v.unhandled == 1).await;
    assert_eq!(
        (view.orders[0].order.round, view.orders[0].order.bill_id),
        (Some(1), first.bill_id)
    );

    // Another phone at the same table adds dishes: round 2 of the same bill.
    let second = server.order(3, &[(1001, 2)]).await.order;
    assert_eq!((second.bill_id, second.round), (first.bill_id, Some(2)));
    assert_eq!(app.notified().await.summary, "A03号桌加菜");
    assert_eq!(app.spoke().await.text, "A03号桌加菜");

    // The first round is accepted; the second keeps calling until it is too.
    app.desk
        .act(first.order_id, Action::Accept)
        .await
        .expect("a round is accepted like a paid order");
    app.until(|v| v.unhandled == 1 && v.orders[0].order.status == OrderStatus::Accepted)
        .await;
    assert_eq!(
        app.next().await,
        Effect::Withdraw(NoteKind::NewOrder {
            order_id: first.order_id
        })
    );
    app.later(20);
    assert_eq!(app.spoke().await.text, "A03号桌加菜", "only round 2 repeats");
    app.desk.act(second.order_id, Action::Accept).await.expect("accepted");
    assert_eq!(
        app.next().await,
        Effect::Withdraw(NoteKind::NewOrder {
            order_id: second.order_id
        })
    );
    app.later(20);
    app.later(60);
    assert_eq!(app.until(|v| v.unhandled == 0).await.orders.len(), 2, "both cooking");
    // The next thing the desk does is about the next table: nothing more about A03.
    server.order(4, &[(1001, 1)]).await;
    assert_eq!(app.notified().await.summary, "A04号桌下单", "a new table, a new bill");
}
