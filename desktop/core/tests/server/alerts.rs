//! A paid order is heard once, repeated until someone handles it, and never again after.

use orderbell_desktop_core::Effect;
use orderbell_desktop_core::notify::NoteKind;
use orderbell_desktop_core::voice::{Clip, Cue};
use orderbell_shared::OrderStatus;
use orderbell_tests::TestServer;

use crate::{App, hurry, paid, table_name};

#[tokio::test]
async fn a_paid_order_gives_one_notification_and_a_voice_naming_the_table() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;

    let order = paid(&server, 3).await;
    let note = app.notified().await;
    assert_eq!(note.summary, "新订单 A03号桌");
    assert!(
        note.body.contains("宫保鸡丁×1") && note.body.contains("¥38.00"),
        "{}",
        note.body
    );
    let plan = app.spoke().await;
    assert_eq!(plan.text, "您有新的订单，A03号桌");
    assert_eq!(plan.clips[0], Clip::Chime, "a chime first");
    assert!(
        plan.clips.ends_with(&[Clip::Letter('a'), Clip::Digit(3), Clip::Table]),
        "{plan:?}"
    );
    let view = app.until(|v| v.unhandled == 1).await;
    assert_eq!(view.orders[0].order.order_id, order);

    // The next thing the desk does is about the next order: nothing more about A03.
    paid(&server, 4).await;
    assert_eq!(app.notified().await.summary, "新订单 A04号桌");
}

#[tokio::test]
async fn the_alert_repeats_until_another_device_accepts_then_stops() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let order = paid(&server, 5).await;
    app.notified().await;
    app.spoke().await;

    app.later(20);
    let again = app.spoke().await;
    assert_eq!(
        again.text, "您有新的订单，A05号桌",
        "repeated after the interval, without a second notification"
    );
    app.later(20);
    app.spoke().await;

    // Another device (the merchant's phone, say) accepts: silence everywhere.
    let accepted = server
        .post_empty(&format!("/api/orders/{order}/accept"), &server.merchant)
        .await;
    assert_eq!(accepted.status(), 200);
    app.until(|v| v.unhandled == 0 && v.orders[0].order.status == OrderStatus::Accepted)
        .await;
    assert_eq!(
        app.next().await,
        Effect::Withdraw(NoteKind::NewOrder { order_id: order }),
        "its notification is taken down"
    );
    app.later(20);
    app.later(60);
    paid(&server, 6).await;
    assert_eq!(
        app.notified().await.summary,
        "新订单 A06号桌",
        "no repeat for the accepted order"
    );
}

#[tokio::test]
async fn one_voice_at_a_time_and_none_for_an_order_handled_while_it_waited() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let first = paid(&server, 1).await;
    app.notified().await;
    let playing = match app.next().await {
        Effect::Speak(plan) => plan,
        other => panic!("expected speech, got {other:?}"),
    };
    assert_eq!(playing.cue, Cue::NewOrder { order_id: first });

    // While the first is still being said, two more orders come: notified at once, voices wait.
    let second = paid(&server, 2).await;
    assert_eq!(app.notified().await.summary, format!("新订单 {}号桌", table_name(2)));
    paid(&server, 7).await;
    assert_eq!(app.notified().await.summary, "新订单 A07号桌");
    // The second is rejected on another device before its turn: it is never said.
    let rejected = server
        .post(
            &format!("/api/orders/{second}/reject"),
            &server.merchant,
            serde_json::json!({"reason": "售罄"}),
        )
        .await;
    assert_eq!(rejected.status(), 200);
    app.until(|v| v.orders.iter().all(|o| o.order.order_id != second)).await;
    assert_eq!(
        app.next().await,
        Effect::Withdraw(NoteKind::NewOrder { order_id: second })
    );

    app.desk.spoken();
    assert_eq!(app.spoke().await.text, "您有新的订单，A07号桌");
}

#[tokio::test]
async fn a_reminder_is_heard_and_answered_from_the_app() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let order = server.order(8, &[(1001, 1)]).await;
    server.pay(&order).await;
    app.notified().await;
    app.spoke().await;
    let id = order.order.order_id;
    hurry(&server, id, &order.token).await;
    assert_eq!(app.notified().await.summary, "A08号桌催单");
    assert_eq!(app.spoke().await.text, "A08号桌催单");
    assert!(
        app.desk.view().borrow().orders[0].unanswered,
        "the board keeps it in sight"
    );

    let reply = orderbell_desktop_core::Action::Reply {
        text: "马上就好".into(),
    };
    app.desk.act(id, reply).await.expect("the merchant may reply");
    let view = app.until(|v| v.orders[0].last_reply.is_some()).await;
    assert_eq!(view.orders[0].last_reply.as_deref(), Some("马上就好"));
    assert!(!view.orders[0].unanswered, "answered: it no longer needs a person");
    assert_eq!(
        app.next().await,
        Effect::Withdraw(NoteKind::Hurry { order_id: id }),
        "an answered 催单 is taken down"
    );
    let too_long = orderbell_desktop_core::Action::Reply { text: "好".repeat(31) };
    let refused = app
        .desk
        .act(id, too_long)
        .await
        .expect_err("31 characters are too many");
    assert_eq!(refused.code, "invalid_reply");
}
