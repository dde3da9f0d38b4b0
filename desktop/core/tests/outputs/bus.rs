//! The session bus as the notification server sees it: `dbus-monitor` watching the notification
//! interface and the replies to it, read into what is on screen — which notification ids were
//! shown with which summary, and which the server has closed, and why.

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use orderbell_tests::PATIENCE;

/// `NotificationClosed`'s reason when a client called `CloseNotification`.
pub const CLOSED_BY_CALL: u32 = 3;

/// `dbus-monitor`, its lines arriving on a channel.
pub struct Monitor {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: String,
}

impl Monitor {
    pub fn start() -> Monitor {
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications'",
                // The answer to Notify (the notification's id) is a method return, which has
                // no interface.
                "type='method_return'",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-monitor runs (inside desktop/test-env)");
        let stdout = child.stdout.take().expect("piped stdout");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        // dbus-monitor announces itself (NameAcquired) once it is listening.
        lines.recv_timeout(PATIENCE).expect("dbus-monitor is listening");
        Monitor {
            child,
            lines,
            seen: String::new(),
        }
    }

    /// Read the bus until `needle` has been seen; everything seen so far.
    pub fn until(&mut self, needle: &str) -> &str {
        while !self.seen.contains(needle) {
            self.read(needle);
        }
        &self.seen
    }

    /// Read the bus until the screen is as `want` says (`what` names it for the failure).
    pub fn until_screen(&mut self, what: &str, want: impl Fn(&Screen) -> bool) -> Screen {
        loop {
            let screen = Screen::read(&self.seen);
            if want(&screen) {
                return screen;
            }
            self.read(what);
        }
    }

    fn read(&mut self, waiting_for: &str) {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => {
                self.seen.push_str(&line);
                self.seen.push('\n');
            }
            Err(_) => panic!(
                "{waiting_for}: never seen on the bus; the screen: {:#?}\n{}",
                Screen::read(&self.seen),
                self.seen
            ),
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One `Notify` call and the id the server gave it.
#[derive(Clone, Debug)]
pub struct Shown {
    pub summary: String,
    pub replaces_id: u32,
    pub id: u32,
}

/// What the notification server was asked to show and what it closed, in bus order.
#[derive(Debug, Default)]
pub struct Screen {
    pub shown: Vec<Shown>,
    /// Closed ids, with the server's reason.
    pub closed: BTreeMap<u32, u32>,
}

impl Screen {
    fn read(text: &str) -> Screen {
        let mut screen = Screen::default();
        // Notify calls waiting for their id, by (sender, serial).
        let mut calls: BTreeMap<(String, String), (String, u32)> = BTreeMap::new();
        for (header, body) in messages(text) {
            let field = |name: &str| field(header, name);
            if header.starts_with("method call") && header.ends_with("member=Notify") {
                let strings = values(&body, "string \"");
                let replaces_id = values(&body, "uint32 ").first().and_then(|v| v.parse().ok());
                // app_name, app_icon, then the summary.
                if let (Some(summary), Some(replaces_id)) = (strings.get(2), replaces_id) {
                    let summary = summary.trim_end_matches('"').to_owned();
                    calls.insert((field("sender"), field("serial")), (summary, replaces_id));
                }
            } else if header.starts_with("method return") {
                let call = calls.remove(&(field("destination"), field("reply_serial")));
                let id = values(&body, "uint32 ").first().and_then(|v| v.parse().ok());
                if let (Some((summary, replaces_id)), Some(id)) = (call, id) {
                    screen.closed.remove(&id);
                    screen.shown.push(Shown {
                        summary,
                        replaces_id,
                        id,
                    });
                }
            } else if header.starts_with("signal") && header.ends_with("member=NotificationClosed") {
                let numbers: Vec<u32> = values(&body, "uint32 ").iter().filter_map(|v| v.parse().ok()).collect();
                if let [id, reason] = numbers[..] {
                    screen.closed.insert(id, reason);
                }
            }
        }
        screen
    }

    /// The summaries on screen now, one per notification (a replaced one counts once).
    pub fn on_screen(&self) -> Vec<&str> {
        let mut latest: BTreeMap<u32, &str> = BTreeMap::new();
        for shown in &self.shown {
            latest.insert(shown.id, &shown.summary);
        }
        latest
            .into_iter()
            .filter(|(id, _)| !self.closed.contains_key(id))
            .map(|(_, summary)| summary)
            .collect()
    }

    /// The notifications shown with this summary.
    pub fn with_summary(&self, summary: &str) -> Vec<&Shown> {
        self.shown.iter().filter(|s| s.summary == summary).collect()
    }
}

/// dbus-monitor's messages: a header line, then indented values (a string value may go on over
/// lines of its own).
fn messages(text: &str) -> Vec<(&str, Vec<&str>)> {
    let mut messages: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        let header = ["method call ", "method return ", "signal ", "error "]
            .iter()
            .any(|kind| line.starts_with(kind) && line.contains(" time="));
        match messages.last_mut() {
            Some((_, body)) if !header => body.push(line),
            _ => messages.push((line, Vec::new())),
        }
    }
    messages
}

/// `sender=:1.5` → `:1.5`.
fn field(header: &str, name: &str) -> String {
    header
        .split([' ', ';'])
        .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_default()
        .to_owned()
}

/// The values of the body lines of one type (`uint32 `, `string "`), in order.
fn values<'a>(body: &[&'a str], prefix: &str) -> Vec<&'a str> {
    body.iter()
        .filter_map(|line| line.trim_start().strip_prefix(prefix))
        .collect()
}
