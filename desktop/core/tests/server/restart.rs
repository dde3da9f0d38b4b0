//! Restarts of either side lose no alert and repeat none.

use orderbell_desktop_core::view::ConnectionState;
use orderbell_desktop_core::{Effect, Saved};
use orderbell_tests::TestServer;

use crate::{App, paid};

#[tokio::test]
async fn a_server_restart_in_the_middle_loses_no_alert_and_repeats_none() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    paid(&server, 1).await;
    assert_eq!(app.notified().await.summary, "新订单 A01号桌");
    app.spoke().await;

    let (server, _) = server
        .restart_after(app.until(|v| v.connection.state == ConnectionState::Reconnecting))
        .await;
    // Paid at once after the restart: the app hears it live or in the replay, but hears it once.
    paid(&server, 2).await;
    assert_eq!(
        app.notified().await.summary,
        "新订单 A02号桌",
        "nothing about A01 again"
    );
    assert_eq!(app.spoke().await.text, "您有新的订单，A02号桌");
    app.until(|v| v.connection.state == ConnectionState::Live && v.unhandled == 2)
        .await;
    paid(&server, 3).await;
    assert_eq!(app.notified().await.summary, "新订单 A03号桌");
}

#[tokio::test]
async fn an_app_restart_resumes_where_it_stopped() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    paid(&server, 4).await;
    app.notified().await;
    app.spoke().await;
    app.close().await;

    // While the app is closed: one more order, and the first one is still waiting.
    paid(&server, 5).await;
    let mut app = App::merchant(&server, data.path()).await;
    // The waiting order is said again (it still needs someone), but not notified again;
    // the order paid while closed is notified once.
    assert_eq!(app.spoke().await.text, "您有新的订单，A04号桌");
    assert_eq!(app.notified().await.summary, "新订单 A05号桌");
    assert_eq!(app.spoke().await.text, "您有新的订单，A05号桌");
    paid(&server, 6).await;
    assert_eq!(
        app.notified().await.summary,
        "新订单 A06号桌",
        "the replayed event was not announced twice"
    );

    let heard = Saved::new(data.path()).heard().expect("saved state");
    assert!(
        heard.last_event_id.is_some_and(|id| id >= 3),
        "the position is saved: {heard:?}"
    );
    assert!(matches!(app.next().await, Effect::Speak(_)));
}
