//! Only what still needs a person alarms: a 催单 answered before the app heard it is history.

use orderbell_desktop_core::Effect;
use orderbell_desktop_core::notify::NoteKind;
use orderbell_desktop_core::voice::Cue;
use orderbell_shared::{Event, OrderStatus, SubmittedOrder};
use orderbell_tests::TestServer;

use crate::{App, hurry, paid};

/// A diner orders at `table` and pays; returns once the payment went through.
pub(crate) async fn paid_order(server: &TestServer, table: i64) -> SubmittedOrder {
    let order = server.order(table, &[(1001, 1)]).await;
    server.pay(&order).await;
    // The order's own stream starts from its first event: no race with the payment's callback.
    let mut events = server.order_stream(&order).connected().await;
    while !matches!(events.next_typed().await, (_, Event::OrderStatus(change)) if change.to == OrderStatus::Paid) {}
    order
}

/// The merchant answers order `id`'s 催单.
async fn answer(server: &TestServer, id: i64) {
    let body = serde_json::json!({ "text": "马上就好" });
    let answered = server
        .post(&format!("/api/orders/{id}/reply"), &server.merchant, body)
        .await;
    assert!(
        answered.status().is_success(),
        "the merchant may answer: {}",
        answered.status()
    );
}

impl App {
    /// Effects until `last` comes, the speech "played" as it comes; everything seen.
    pub(crate) async fn effects_until(&mut self, last: impl Fn(&Effect) -> bool) -> Vec<Effect> {
        let mut seen = Vec::new();
        loop {
            let effect = self.next().await;
            if matches!(effect, Effect::Speak(_)) {
                self.desk.spoken();
            }
            let done = last(&effect);
            seen.push(effect);
            if done {
                return seen;
            }
        }
    }
}

fn hurried(effects: &[Effect], order_id: i64) -> bool {
    effects.iter().any(|e| match e {
        Effect::Notify(note) => note.kind == NoteKind::Hurry { order_id },
        Effect::Speak(plan) => plan.cue == Cue::Hurry { order_id },
        Effect::Withdraw(_) => false,
    })
}

#[tokio::test]
async fn a_freshly_paired_app_does_not_alarm_a_reminder_already_answered_but_one_still_waiting() {
    let server = TestServer::start().await;
    let answered = paid_order(&server, 1).await;
    let answered_id = answered.order.order_id;
    hurry(&server, answered_id, &answered.token).await;
    answer(&server, answered_id).await;
    let waiting = paid_order(&server, 2).await;
    let waiting_id = waiting.order.order_id;
    hurry(&server, waiting_id, &waiting.token).await;

    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let seen = app
        .effects_until(|e| matches!(e, Effect::Speak(plan) if plan.cue == Cue::Hurry { order_id: waiting_id }))
        .await;
    assert!(hurried(&seen, waiting_id), "the unanswered 催单 still needs a person");
    assert!(!hurried(&seen, answered_id), "the answered one is history: {seen:?}");
    let view = app.desk.view().borrow().clone();
    let unanswered = |id| {
        view.orders
            .iter()
            .find(|o| o.order.order_id == id)
            .map(|o| o.unanswered)
    };
    assert_eq!(
        (unanswered(answered_id), unanswered(waiting_id)),
        (Some(false), Some(true)),
        "the board, from the snapshot, keeps only the waiting 催单 in sight"
    );

    // Live news still alarms once the history is read.
    let news = paid(&server, 3).await;
    assert_eq!(app.notified().await.kind, NoteKind::NewOrder { order_id: news });
}

#[tokio::test]
async fn a_reminder_answered_elsewhere_while_the_app_was_closed_does_not_alarm_on_restart() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let order = paid_order(&server, 4).await;
    let id = order.order.order_id;
    app.notified().await;
    app.spoke().await;
    app.close().await;

    hurry(&server, id, &order.token).await;
    answer(&server, id).await;
    let mut app = App::merchant(&server, data.path()).await;
    // The waiting order is said again; then the next news, and nothing about the 催单 between.
    let news = paid(&server, 5).await;
    let seen = app
        .effects_until(|e| matches!(e, Effect::Notify(note) if note.kind == NoteKind::NewOrder { order_id: news }))
        .await;
    assert!(!hurried(&seen, id), "answered while closed: {seen:?}");
}
