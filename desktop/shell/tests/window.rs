//! The real app in a real window — Xvfb, a session bus with dunst and ALSA into a file, from
//! `desktop/test-env` — against the real server with a live order. The app must put the order on
//! its board (it logs what the window drew), notify and say it; and without a sound device or a
//! notification server it must keep going and say so. Screenshots are kept in `target/tmp/`
//! (`orderbell-desktop-window.png`, `orderbell-desktop-no-outputs.png`) for a person to look at.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use orderbell_tests::TestServer;
use support::{close_window, web_processes, webkit_processes};
use tempfile::TempDir;

mod support;

/// A cold WebKit start under Xvfb on two busy cores takes a while.
const PATIENCE: Duration = Duration::from_secs(120);

/// One app at a time: they share the display, and a second instance would hand over to the first.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The app's process, its home, and the lines it logs.
struct App {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    _home: TempDir,
}

impl App {
    /// Start the app paired with `server`'s merchant, with `env` on top of the test environment.
    fn start(server: &TestServer, env: &[(&str, &str)]) -> App {
        App::launch(&format!("{}?token={}", server.url("/"), server.merchant), env)
    }

    /// Start the app with `--pair link`, in a home of its own.
    fn launch(link: &str, env: &[(&str, &str)]) -> App {
        let home = tempfile::tempdir().expect("home");
        let data = home.path().join("data");
        let mut child = Command::new(env!("CARGO_BIN_EXE_orderbell-desktop"))
            .args(["--data-dir", &data.to_string_lossy(), "--pair", link])
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_DATA_HOME", home.path().join("share"))
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the app starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("app: {line}");
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        App {
            child,
            lines,
            seen: Vec::new(),
            _home: home,
        }
    }

    /// The first line logged, so far or from now on, that has every one of `words`.
    fn logs(&mut self, words: &[&str]) -> String {
        let wanted = |line: &String| words.iter().all(|w| line.contains(w));
        if let Some(line) = self.seen.iter().find(|l| wanted(l)) {
            return line.clone();
        }
        loop {
            match self.lines.recv_timeout(PATIENCE) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(e) => panic!("the app never logged {words:?}: {e}"),
            }
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Run a tool of the test environment and return what it printed.
fn output(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output();
    let out = out.unwrap_or_else(|e| panic!("{program} runs (inside desktop/test-env): {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Poll an outside tool until `done` says yes; these tools have no event to wait on.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "{what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Screenshots until the window shows the dark status bar and, in the 待处理 lane, the red edge
/// of an order's card (the DOM is ready before the paint; dunst's notifications sit on the right).
fn screenshot_of_the_board(name: &str) {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(name)
        .to_string_lossy()
        .into_owned();
    // The colours of a 1-pixel-wide strip: the bar at the top, and below it the card's edge
    // (wherever warning bars have pushed it).
    let strip = |x: u32, y: u32, height: u32| {
        let area = format!("1x{height}+{x}+{y}");
        output(
            "convert",
            &[&path, "-crop", &area, "+repage", "-format", "%c", "histogram:info:"],
        )
    };
    eventually("the screenshot shows the board with the order", || {
        output("import", &["-window", "root", &path]);
        strip(600, 5, 30).contains("#222222") && strip(19, 100, 600).contains("#C62828")
    });
}

/// A paid order at A03 that has been hurried once.
async fn live_order(server: &TestServer) {
    let order = server.order(3, &[(1001, 2), (1011, 1)]).await;
    let mut merchant = server.store_stream(None).await;
    server.pay(&order).await;
    merchant.next_typed().await; // paid: now it may be hurried
    let hurry = format!("/api/orders/{}/reminders", order.order.order_id);
    assert_eq!(server.post_empty(&hurry, &order.token).await.status(), 201);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_shows_a_live_order_notifies_and_says_it() {
    let _one = ONE_APP.lock().await;
    let server = TestServer::start().await;
    live_order(&server).await;
    let mut app = App::start(&server, &[]);
    let drawn = tokio::task::block_in_place(|| app.logs(&["window shows the board", "orders=1"]));
    assert!(
        drawn.contains("notices=0"),
        "sound and notifications work here: {drawn}"
    );

    tokio::task::block_in_place(|| {
        app.logs(&["notification shown", "新订单 A03号桌"]);
        app.logs(&["voice played", "您有新的订单，A03号桌"]);
    });
    eventually("dunst shows the notification", || {
        output("dunstctl", &["count", "displayed"])
            .trim()
            .parse::<u32>()
            .unwrap_or(0)
            >= 1
    });
    let capture = std::env::var("ORDERBELL_CAPTURE").expect("ORDERBELL_CAPTURE (set by desktop/test-env)");
    eventually("the app's voice is captured and not silent", || {
        let stat = output("sox", &[&capture, "-n", "stat"]);
        stat.lines()
            .find(|l| l.starts_with("Maximum amplitude"))
            .and_then(|l| l.rsplit(':').next())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .is_some_and(|peak| peak > 0.2)
    });
    screenshot_of_the_board("orderbell-desktop-window.png");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_sound_device_or_notification_server_the_app_goes_on_and_says_so() {
    let _one = ONE_APP.lock().await;
    let server = TestServer::start().await;
    live_order(&server).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let no_card = dir.path().join("asound.conf");
    std::fs::write(&no_card, "pcm.!default { type hw; card 9 }\n").expect("ALSA config");
    let alsa = format!("/usr/share/alsa/alsa.conf:{}", no_card.display());
    let mut app = App::start(
        &server,
        &[
            ("ALSA_CONFIG_PATH", &alsa),
            ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus"),
        ],
    );
    let drawn = tokio::task::block_in_place(|| app.logs(&["window shows the board", "orders=1", "notices=2"]));
    assert!(
        drawn.contains("orders=1"),
        "the order is on the board all the same: {drawn}"
    );
    screenshot_of_the_board("orderbell-desktop-no-outputs.png");
    assert!(matches!(app.child.try_wait(), Ok(None)), "the app is still running");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_launch_hands_its_link_to_the_running_app_which_asks_before_switching() {
    let _one = ONE_APP.lock().await;
    let server = TestServer::start().await;
    let mut app = App::start(&server, &[]);
    tokio::task::block_in_place(|| app.logs(&["window shows the board"]));

    let other_store = format!("{}?token={}", server.url("/"), server.other_merchant);
    let mut second = App::launch(&other_store, &[]);
    eventually(
        "the second launch hands over and exits",
        || matches!(second.child.try_wait(), Ok(Some(status)) if status.success()),
    );
    let asked = tokio::task::block_in_place(|| app.logs(&["asking whether to switch"]));
    assert!(asked.contains("store=2"), "the running app asks about store 2: {asked}");
    assert!(
        matches!(app.child.try_wait(), Ok(None)),
        "and keeps running, still paired"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_window_releases_its_web_view_and_the_alerts_go_on() {
    let _one = ONE_APP.lock().await;
    let server = TestServer::start().await;
    let mut app = App::start(&server, &[]);
    tokio::task::block_in_place(|| app.logs(&["window shows the board", "orders=0"]));
    let pid = app.child.id();
    eventually("the window has its web process", || web_processes(pid) > 0);

    close_window(pid);
    tokio::task::block_in_place(|| app.logs(&["window closed to the tray"]));
    eventually("the web process exits with the window", || web_processes(pid) == 0);
    // Then WebKit's network process: nothing of WebKit stays while the app sits in the tray.
    eventually("no WebKit process is left in the tray", || {
        webkit_processes(pid, "WebKit") == 0
    });
    assert!(matches!(app.child.try_wait(), Ok(None)), "the app goes on in the tray");

    // An order paid now is announced from the tray, as with the window open.
    live_order(&server).await;
    tokio::task::block_in_place(|| {
        app.logs(&["notification shown", "新订单 A03号桌"]);
        app.logs(&["voice played", "您有新的订单，A03号桌"]);
    });

    // A second launch (as the tray's 显示窗口 does) builds the window again, with the order.
    let link = format!("{}?token={}", server.url("/"), server.merchant);
    let mut second = App::launch(&link, &[]);
    eventually(
        "the second launch hands over and exits",
        || matches!(second.child.try_wait(), Ok(Some(status)) if status.success()),
    );
    tokio::task::block_in_place(|| {
        app.logs(&["window opened again"]);
        app.logs(&["window shows the board", "orders=1"]);
    });
    eventually("the new window has its web process", || web_processes(pid) > 0);
    eventually("and a network process again", || {
        webkit_processes(pid, "WebKitNetwork") > 0
    });
}
