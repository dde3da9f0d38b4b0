//! Losing the server: waits that grow, the banner and alarm after half a minute, and a stream
//! that was away too long reloading the snapshot. And what is not an outage: a credential the
//! server refuses, and a server never reached since pairing.

use std::time::Duration;

use orderbell_desktop_core::notify::NoteKind;
use orderbell_desktop_core::saved::Heard;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_desktop_core::voice::Cue;
use orderbell_desktop_core::{Desk, Effect, ManualClock, Pairing, Role, Saved};
use orderbell_shared::order::StoreSnapshot;
use orderbell_tests::TestServer;

use crate::stale::paid_order;
use crate::{App, paid};

#[tokio::test]
async fn an_outage_backs_off_with_jitter_sounds_the_alarm_after_30s_and_recovers() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;

    let (server, waits) = server
        .restart_after(async {
            let mut waits = Vec::new();
            for attempt in 1..=5 {
                let view = app.until(|v| v.connection.attempt >= attempt).await;
                waits.push((view.connection.attempt, view.connection.retry_in_ms));
            }
            // Half a minute down: the banner, a notification and the alarm, once.
            app.later(31);
            app.until(|v| v.connection.state == ConnectionState::Lost).await;
            let note = app.notified().await;
            assert_eq!(note.kind, NoteKind::ConnectionLost);
            assert_eq!(app.spoke().await.cue, Cue::ConnectionLost);
            app.later(31);
            waits
        })
        .await;
    for (attempt, wait) in &waits {
        let cap = (50u64 << (attempt - 1)).min(400);
        let wait = Duration::from_millis(*wait);
        assert!(
            wait >= Duration::from_millis(cap / 2) && wait <= Duration::from_millis(cap),
            "try {attempt} waits {wait:?}, within [{}, {cap}] ms: {waits:?}",
            cap / 2
        );
    }

    let view = app.until(|v| v.connection.state == ConnectionState::Live).await;
    assert_eq!(
        (view.connection.attempt, view.connection.error),
        (0, None),
        "the banner clears"
    );
    assert_eq!(
        app.next().await,
        Effect::Withdraw(NoteKind::ConnectionLost),
        "and so does the alarm's notification"
    );
    paid(&server, 9).await;
    assert_eq!(
        app.notified().await.summary,
        "新订单 A09号桌",
        "no second alarm; orders alert as usual"
    );
}

#[tokio::test]
async fn away_longer_than_the_server_keeps_events_the_app_resyncs_and_announces_each_order_once() {
    let server = TestServer::start_with(|c| c.event_retention = 2).await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let first = paid(&server, 1).await;
    app.notified().await;
    app.spoke().await;
    app.close().await;
    let seen = Saved::new(data.path()).heard().expect("saved").last_event_id;

    // Each payment lands before the next is made (the simulator calls back later): the app,
    // back, announces them in the order they were paid.
    for table in 2..=4 {
        paid_order(&server, table).await;
    }
    // Wait until the server has pruned what the app saw last.
    let mut pruned = false;
    for _ in 0..200 {
        let mut probe = server.store_stream(seen).await;
        if probe.next_durable().await.is_none() {
            pruned = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(pruned, "the server answers the old id with resync");

    let mut app = App::merchant(&server, data.path()).await;
    let mut notified = Vec::new();
    let mut spoken = Vec::new();
    while spoken.len() < 4 {
        match app.next().await {
            Effect::Notify(note) => notified.push(note.summary),
            // Played, as the outputs report it: heard. (Orders paid while no device was online
            // are escalated by the server, now and then only after the snapshot: an order this
            // device said but nobody heard would rightly be announced again.)
            Effect::Speak(plan) => {
                spoken.push(plan.cue);
                app.desk.sounded(plan.cue);
                app.desk.spoken();
            }
            Effect::Withdraw(kind) => panic!("nothing was handled, yet {kind:?} was withdrawn"),
        }
    }
    assert_eq!(notified, ["新订单 A02号桌", "新订单 A03号桌", "新订单 A04号桌"]);
    assert_eq!(
        spoken[0],
        Cue::NewOrder { order_id: first },
        "the waiting order is said, not notified"
    );
    // The stream goes on after the server's resync point, where the snapshot stands (and past
    // it, where an escalation came meanwhile).
    let newest = server
        .http
        .get(server.url("/api/stores/1/orders"))
        .bearer_auth(&server.merchant);
    let newest: StoreSnapshot = newest.send().await.expect("snapshot").json().await.expect("body");
    let view = app.until(|v| v.last_event_id >= Some(newest.last_event_id)).await;
    assert!(newest.last_event_id > seen.unwrap_or_default());
    assert_eq!((view.orders.len(), view.unhandled), (4, 4));
    paid(&server, 5).await;
    assert_eq!(app.notified().await.summary, "新订单 A05号桌");
}

#[tokio::test]
async fn a_server_whose_journal_is_behind_the_app_is_followed_not_ignored() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    // The app last read event 1000 — of a server whose database has since been replaced.
    let heard = Heard {
        last_event_id: Some(1000),
        ..Heard::default()
    };
    Saved::new(data.path()).save_heard(&heard).expect("saved");
    let mut app = App::merchant(&server, data.path()).await;
    app.until(|v| v.last_event_id.is_some_and(|id| id < 1000)).await;
    paid(&server, 6).await;
    assert_eq!(
        app.notified().await.summary,
        "新订单 A06号桌",
        "new events are not taken for old ones"
    );
}

impl App {
    /// Stop the desk and everything it still asked for.
    pub(crate) async fn stop_and_drain(mut self) -> Vec<Effect> {
        self.desk.stop();
        let mut rest = Vec::new();
        while let Some(effect) = tokio::time::timeout(orderbell_tests::PATIENCE, self.effects.recv())
            .await
            .expect("the desk stops")
        {
            rest.push(effect);
        }
        rest
    }
}

#[tokio::test]
async fn a_refused_credential_is_not_an_outage_no_retries_no_alarm_pair_again() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    // The right shape, a wrong signature: what a mistyped credential looks like, paired before.
    let pairing = Pairing {
        server_url: server.url(""),
        token: "v.1.c2lnbmF0dXJlLW9mLW5vYm9keQ".into(),
        role: Role::Merchant,
        store_id: 1,
    };
    let app = App::paired(pairing, data.path());
    let view = app.until(|v| v.connection.state == ConnectionState::Refused).await;
    assert!(
        view.connection.error.is_some(),
        "the window can say what the server said"
    );
    app.later(120);
    let view = app.until(|_| true).await;
    assert_eq!(
        (view.connection.state, view.connection.attempt),
        (ConnectionState::Refused, 0),
        "two minutes later: still refused, never 'reconnecting' or 'lost'"
    );
    assert_eq!(app.stop_and_drain().await, [], "no lost-connection alarm");
}

#[tokio::test]
async fn a_server_never_reached_since_pairing_is_an_address_to_check_not_a_lost_connection() {
    let server = TestServer::start().await;
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let address = nobody.local_addr().expect("address");
    drop(nobody);
    // Paired with the server when it was there; it has moved since.
    let pairing = Pairing {
        server_url: format!("http://{address}"),
        ..Pairing::resolve(&server.url(""), &server.merchant)
            .await
            .expect("pairs")
    };
    let data = tempfile::tempdir().expect("data dir");
    let clock = std::sync::Arc::new(ManualClock::new());
    let (desk, effects) =
        Desk::start(pairing, Saved::new(data.path()), clock.clone(), crate::options()).expect("starts");
    let app = App { desk, effects, clock };
    app.until(|v| v.connection.state == ConnectionState::Unreachable && v.connection.attempt >= 2)
        .await;
    app.later(120);
    let view = app.until(|v| v.connection.attempt >= 3).await;
    assert_eq!(
        view.connection.state,
        ConnectionState::Unreachable,
        "still trying, never 'lost'"
    );
    assert_eq!(app.stop_and_drain().await, [], "nothing was lost: no alarm");
}
