//! The desktop core against the real server: the server of `orderbell-tests` on its own port and
//! database, and a [`Desk`] with a manual clock, so repeats are tested by moving time.
//! Every wait is bounded by [`PATIENCE`]; effects are read in order, so "nothing else happened
//! in between" is checked by what comes next, not by sleeping.

mod alerts;
mod books;
mod connection;
mod evening;
mod floor;
mod heard;
mod menu;
mod owner;
mod print;
mod printers;
mod refunds;
mod restart;
mod roles;
mod rounds;
mod setup;
mod stale;
mod store;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use orderbell_desktop_core::backoff::BackoffPolicy;
use orderbell_desktop_core::notify::Note;
use orderbell_desktop_core::print::runner::PrintOptions;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_desktop_core::voice::{Cue, VoicePlan};
use orderbell_desktop_core::{Desk, DeskOptions, DeskView, Effect, Effects, ManualClock, Pairing, Saved};
use orderbell_tests::{PATIENCE, TestServer};

/// A running desk, as the app runs it, minus the window and the speakers.
struct App {
    desk: Desk,
    effects: Effects,
    clock: Arc<ManualClock>,
}

fn options() -> DeskOptions {
    DeskOptions {
        backoff: BackoffPolicy {
            initial: Duration::from_millis(50),
            max: Duration::from_millis(400),
        },
        // The test server beats every second.
        idle_timeout: Duration::from_secs(5),
        tick_every: Duration::from_secs(3600),
        printing: PrintOptions {
            retry: vec![Duration::from_millis(100), Duration::from_millis(300)],
        },
    }
}

impl App {
    async fn open(server: &TestServer, token: &str, data: &Path) -> App {
        let pairing = Pairing::resolve(&server.url("/"), token)
            .await
            .expect("the server's own credential pairs");
        App::paired(pairing, data)
    }

    /// An app whose pairing was made earlier (the server may not take it, or not be there now).
    fn paired(pairing: Pairing, data: &Path) -> App {
        let clock = Arc::new(ManualClock::new());
        let (desk, effects) = Desk::start(pairing, Saved::new(data), clock.clone(), options()).expect("desk starts");
        App { desk, effects, clock }
    }

    async fn merchant(server: &TestServer, data: &Path) -> App {
        let app = App::open(server, &server.merchant, data).await;
        app.until(|v| v.connection.state == ConnectionState::Live).await;
        app
    }

    async fn next(&mut self) -> Effect {
        tokio::time::timeout(PATIENCE, self.effects.recv())
            .await
            .expect("an effect comes")
            .expect("the desk runs")
    }

    /// Stop the desk and wait until it has stopped. Dropping it is not enough: its runner would
    /// go on a moment, hear what happens next and save it, and the app started after it (on the
    /// same data) would take that as already announced.
    async fn close(mut self) {
        self.desk.stop();
        let drained = async { while self.effects.recv().await.is_some() {} };
        tokio::time::timeout(PATIENCE, drained).await.expect("the desk stops");
    }

    /// The next effect, which must be a notification; it is then "shown" (the notifier's part).
    async fn notified(&mut self) -> Note {
        match self.next().await {
            Effect::Notify(note) => {
                self.desk.shown(note.kind);
                note
            }
            other => panic!("expected a notification, got {other:?}"),
        }
    }

    /// The next effect, which must be speech; it is then "played" (the player's part).
    async fn spoke(&mut self) -> VoicePlan {
        match self.next().await {
            Effect::Speak(plan) => {
                self.desk.sounded(plan.cue);
                self.desk.spoken();
                plan
            }
            other => panic!("expected speech, got {other:?}"),
        }
    }

    /// Move the desk's clock and let it look.
    fn later(&self, secs: i64) {
        self.clock.advance_secs(secs);
        self.desk.tick();
    }

    /// Wait until the view satisfies `want`.
    async fn until(&self, want: impl Fn(&DeskView) -> bool) -> DeskView {
        let mut view = self.desk.view();
        let wait = async {
            loop {
                let current = view.borrow_and_update().clone();
                if want(&current) {
                    return current;
                }
                view.changed().await.expect("the desk runs");
            }
        };
        tokio::time::timeout(PATIENCE, wait).await.expect("the view gets there")
    }

    /// The announcement of `order` "plays" on broken speakers: the desk is told it was spoken,
    /// but no `sounded` receipt goes out, so nobody heard it.
    async fn unheard_speech(&mut self, order: i64) {
        match self.next().await {
            Effect::Speak(plan) => assert_eq!(plan.cue, Cue::NewOrder { order_id: order }),
            other => panic!("expected speech, got {other:?}"),
        }
        self.desk.spoken();
    }
}

/// A diner at `table` orders one dish and pays; the order id.
async fn paid(server: &TestServer, table: i64) -> i64 {
    let order = server.order(table, &[(1001, 1)]).await;
    server.pay(&order).await;
    order.order.order_id
}

/// The diner hurries order `id` (with the order's own token).
async fn hurry(server: &TestServer, id: i64, token: &str) {
    let hurried = server.post_empty(&format!("/api/orders/{id}/reminders"), token).await;
    assert_eq!(hurried.status(), 201, "the diner may hurry");
}

/// "A03" for table 3 of the demo store.
fn table_name(table: i64) -> String {
    format!("A{table:02}")
}
