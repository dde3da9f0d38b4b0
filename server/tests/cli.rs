//! The `orderbell` binary as a new user runs it: `links` prints the QR links, `serve` answers
//! them, and SIGTERM stops it cleanly even with a stream open.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_orderbell");

fn orderbell(dir: &std::path::Path, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("ORDERBELL_SECRET")
        .env("RUST_LOG", "info");
    command
}

/// A plain HTTP/1.1 GET; returns the head and body as text.
fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(Instant::now() < deadline, "orderbell did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn links_then_serve_then_stop_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let links = orderbell(dir.path(), &["links"]).output().expect("run links");
    assert!(links.status.success());
    let printed = String::from_utf8(links.stdout).expect("utf-8");
    let table_lines: Vec<&str> = printed.lines().filter(|l| l.starts_with('A')).collect();
    assert_eq!(table_lines.len(), 12, "a dozen demo tables: {printed}");

    let mut server = orderbell(dir.path(), &["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let log = BufReader::new(server.stderr.take().expect("stderr"));
    let a01 = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("A01\t"))
        .expect("serve prints the table links");
    let url = a01.split('\t').nth(1).expect("a URL");
    let rest = url.strip_prefix("http://").expect("http URL");
    let (addr, path) = rest.split_at(rest.find('/').expect("a path"));
    assert!(!addr.ends_with(":0"), "links name the port really bound: {addr}");
    // The token printed by `links` before is the same one `serve` prints: QR codes stay valid.
    let token = path.split("token=").nth(1).expect("token");
    assert!(printed.contains(token), "links are stable across runs");

    let opened = get(addr, path);
    assert!(opened.starts_with("HTTP/1.1 200"), "{opened}");
    assert!(
        opened.to_ascii_lowercase().contains("set-cookie: ob_token="),
        "{opened}"
    );

    // Keep a stream open: graceful shutdown must still finish.
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET /api/store/order/sse/1?token={token} HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .expect("write");
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).expect("stream answers");
    assert_eq!(&head, b"HTTP/1.1 200");

    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let status = wait_for_exit(&mut server);
    assert!(status.success(), "SIGTERM is a clean stop: {status:?}");
    let log: Vec<String> = log.lines().map_while(Result::ok).collect();
    assert!(log.iter().any(|l| l.contains("stopped cleanly")), "{log:?}");
    drop(lines);
}

/// What `orderbell ARGS` prints on stdout, which must succeed.
fn printed(dir: &std::path::Path, args: &[&str]) -> String {
    let out = orderbell(dir, args).output().expect("run orderbell");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn credential_prints_only_the_credential_even_on_first_run_and_the_same_one_again() {
    // Scripts read it with $(…): a log line on stdout would corrupt the pairing link.
    let dir = tempfile::tempdir().expect("temp dir");
    let first = printed(dir.path(), &["credential", "--role", "kitchen"]);
    let lines: Vec<&str> = first.lines().collect();
    assert_eq!(lines.len(), 1, "exactly the credential: {first:?}");
    assert!(lines[0].starts_with("v."), "a device credential: {first:?}");
    assert_eq!(
        printed(dir.path(), &["credential", "--role", "kitchen"]),
        first,
        "the same device's credential each time"
    );
    let tablet = printed(dir.path(), &["credential", "--role", "kitchen", "--name", "厨房平板"]);
    assert_ne!(tablet, first, "another name is another device");
    // A name is one device: the kitchen's name cannot be the owner's too.
    let clash = orderbell(dir.path(), &["credential", "--role", "owner", "--name", "厨房平板"])
        .output()
        .expect("run credential");
    assert!(!clash.status.success());
    assert!(clash.stdout.is_empty());
    let operator = printed(dir.path(), &["credential", "--operator"]);
    assert!(operator.starts_with("v.") && operator != first, "{operator}");
}

#[test]
fn store_create_prints_the_new_store_and_its_owners_pairing_link() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = printed(
        dir.path(),
        &[
            "store",
            "create",
            "--name",
            "小馆",
            "--public-url",
            "http://10.0.0.5:8080",
        ],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "store\t2\t小馆", "the demo store is 1: {out}");
    let owner = lines[1].strip_prefix("owner\t").expect("the owner's credential");
    assert_eq!(
        lines[2],
        format!("Owner's desktop app pairing link: http://10.0.0.5:8080/?token={owner}")
    );
    // The owner's credential is the store's owner device, printed again by `credential`.
    assert_eq!(
        printed(dir.path(), &["credential", "--store", "2", "--role", "owner"]).trim(),
        owner
    );
    let again = orderbell(dir.path(), &["store", "create", "--name", "小馆"])
        .output()
        .expect("run store create");
    assert!(!again.status.success(), "a second store of the same name is refused");
}
