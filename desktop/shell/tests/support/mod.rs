//! What the window test and the idle benchmark both need: the app's processes, read from
//! `/proc`, and a close request sent to its window as a window manager sends one.

use x11rb::connection::Connection as _;
use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt as _, EventMask, MapState};

/// `(parent pid, user + system ticks)` of a process, from `/proc/<pid>/stat`.
pub fn stat(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some((fields.get(1)?.parse().ok()?, ticks))
}

/// `root` and every process below it.
pub fn tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .filter_map(|pid| Some((pid, stat(pid)?.0)))
        .collect();
    let parent_of = |pid: u32| parents.iter().find(|(p, _)| *p == pid).map(|(_, parent)| *parent);
    let in_tree = |pid: u32| std::iter::successors(Some(pid), |p| parent_of(*p).filter(|p| *p > 1)).any(|p| p == root);
    parents
        .iter()
        .map(|(pid, _)| *pid)
        .filter(|pid| in_tree(*pid))
        .collect()
}

pub fn name(pid: u32) -> String {
    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    comm.trim().to_owned()
}

/// How many web processes (WebKit's renderer of the window's page) run under the app `root`.
pub fn web_processes(root: u32) -> usize {
    // `comm` keeps 15 characters: WebKitWebProces(s).
    webkit_processes(root, "WebKitWebProc")
}

/// How many of WebKit's processes whose name starts with `prefix` (`WebKit` for all of them)
/// run under the app `root`.
pub fn webkit_processes(root: u32, prefix: &str) -> usize {
    tree(root).into_iter().filter(|p| name(*p).starts_with(prefix)).count()
}

/// Ask the app's window to close, as a window manager does when its close button is pressed
/// (`WM_DELETE_WINDOW`): the test display has no window manager to do it.
pub fn close_window(app_pid: u32) {
    let (conn, screen) = x11rb::connect(None).expect("the test display (inside desktop/test-env)");
    let root = conn.setup().roots[screen].root;
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .expect("intern an atom")
            .reply()
            .expect("an atom")
            .atom
    };
    let (protocols, delete, pid_atom) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"), atom("_NET_WM_PID"));
    let of_app = |window: u32| {
        let pid = conn
            .get_property(false, window, pid_atom, AtomEnum::CARDINAL, 0, 1)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .and_then(|reply| reply.value32()?.next());
        let shown = conn
            .get_window_attributes(window)
            .ok()
            .and_then(|cookie| cookie.reply().ok())
            .is_some_and(|attributes| attributes.map_state == MapState::VIEWABLE);
        pid == Some(app_pid) && shown
    };
    let children = conn
        .query_tree(root)
        .expect("query the windows")
        .reply()
        .expect("the windows")
        .children;
    let window = children
        .into_iter()
        .find(|w| of_app(*w))
        .expect("the app's window is on the display");
    let request = ClientMessageEvent::new(32, window, protocols, [delete, x11rb::CURRENT_TIME, 0, 0, 0]);
    conn.send_event(false, window, EventMask::NO_EVENT, request)
        .expect("send the close request")
        .check()
        .expect("the close request is taken");
    conn.flush().expect("flush");
}
