//! System printers through a real CUPS scheduler: a private cupsd on loopback that
//! `scripts/test` starts (`start_test_cupsd` in scripts/lib.sh), with raw queues writing into
//! files as a USB thermal printer's queue writes into its device.
//!
//! Without that scheduler (ORDERBELL_TEST_CUPS_SERVER unset) these tests say so and pass.

use std::time::{Duration, Instant};

use orderbell_desktop_core::print::PrintFailure;
use orderbell_desktop_core::print::cups;
use tokio::process::Command;

struct CupsEnv {
    server: String,
    queue: String,
    paused_queue: String,
    output: String,
}

fn cups_env() -> Option<CupsEnv> {
    let var = |name: &str| std::env::var(name).ok();
    let Some(server) = var("ORDERBELL_TEST_CUPS_SERVER") else {
        eprintln!(
            "skipped: ORDERBELL_TEST_CUPS_SERVER is not set; scripts/test starts a private cupsd \
             (start_test_cupsd in scripts/lib.sh)"
        );
        return None;
    };
    let need = |name: &str| var(name).unwrap_or_else(|| panic!("{name} is set with the server"));
    Some(CupsEnv {
        server,
        queue: need("ORDERBELL_TEST_CUPS_QUEUE"),
        paused_queue: need("ORDERBELL_TEST_CUPS_PAUSED_QUEUE"),
        output: need("ORDERBELL_TEST_CUPS_OUTPUT"),
    })
}

/// Every byte value once (a raw queue must pass all of them unchanged), then a kitchen ticket's
/// line as a thermal printer receives it: reset, Chinese mode, double size, GB18030 text, cut.
fn ticket_bytes() -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    bytes.extend_from_slice(&[0x1b, b'@', 0x1c, b'&', 0x1d, b'!', 0x11]);
    // 新单 A01 宫保鸡丁 x2 少辣, in GB18030
    bytes.extend_from_slice(&[
        0xd0, 0xc2, 0xb5, 0xa5, b' ', b'A', b'0', b'1', b' ', 0xb9, 0xac, 0xb1, 0xa3, 0xbc, 0xa6, 0xb6, 0xa1, b' ',
        b'x', b'2', b' ', 0xc9, 0xd9, 0xc0, 0xb1, b'\n',
    ]);
    bytes.extend_from_slice(&[0x1d, b'V', 0x00]);
    bytes
}

/// The jobs CUPS has not finished on `queue`, as `lpstat -o` lists them.
async fn pending_jobs(env: &CupsEnv, queue: &str) -> String {
    let output = Command::new("lpstat")
        .args(["-o", queue])
        .env("CUPS_SERVER", &env.server)
        .env("LC_ALL", "C")
        .output()
        .await
        .expect("lpstat runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn a_ticket_arrives_byte_exact_at_the_printer() {
    let Some(env) = cups_env() else { return };
    std::fs::write(&env.output, b"").expect("the device file is writable");
    let bytes = ticket_bytes();

    cups::send_to(Some(&env.server), &env.queue, &bytes)
        .await
        .expect("the scheduler takes the job");

    // lp returns once the scheduler has the job; the backend writes it afterwards.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !pending_jobs(&env, &env.queue).await.is_empty() {
        assert!(Instant::now() < deadline, "CUPS finishes a small job within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let printed = std::fs::read(&env.output).expect("the device file is readable");
    assert_eq!(printed, bytes, "the printer gets exactly the bytes sent, once");

    // Read as a printer reads them: the Chinese line in double size, then the cut.
    let tickets = orderbell_fakeprinter::decode(&printed);
    let ticket = tickets.last().expect("the bytes print something");
    let line = ticket.lines.last().expect("the ticket has its line");
    assert_eq!(
        (line.text.as_str(), line.width, line.height, ticket.cut),
        ("新单 A01 宫保鸡丁 x2 少辣", 2, 2, true),
        "the printer shows the Chinese line in double size and cuts: {ticket:?}"
    );
}

#[tokio::test]
async fn an_unknown_queue_fails_and_says_to_check_its_name() {
    let Some(env) = cups_env() else { return };
    let failure = cups::send_to(Some(&env.server), "no-such-printer", &ticket_bytes()).await;
    match failure {
        Err(PrintFailure::Failed(message)) => assert_eq!(
            message, "找不到系统打印机“no-such-printer”，请在 设置 → 打印机 中核对队列名称",
            "the message names the queue and says where to fix it"
        ),
        other => panic!("an unknown queue is a failure, not {other:?}"),
    }
}

#[tokio::test]
async fn a_paused_printer_is_offline_and_is_handed_no_job() {
    let Some(env) = cups_env() else { return };
    let failure = cups::send_to(Some(&env.server), &env.paused_queue, &ticket_bytes()).await;
    match failure {
        Err(PrintFailure::Unreachable(message)) => assert!(
            message.contains("已暂停"),
            "a paused queue is reported as paused: {message}"
        ),
        other => panic!("a paused queue is a printer that is off, not {other:?}"),
    }
    assert_eq!(
        pending_jobs(&env, &env.paused_queue).await,
        "",
        "no job waits in CUPS to print a second time when the printer is back"
    );
}

#[tokio::test]
async fn a_stopped_scheduler_is_unreachable() {
    if cups_env().is_none() {
        return;
    }
    // A loopback port nobody listens on: what lp meets when cupsd has stopped.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port();
    let server = format!("127.0.0.1:{port}");
    let failure = cups::send_to(Some(&server), "orderbell-test", &ticket_bytes()).await;
    assert_eq!(
        failure,
        Err(PrintFailure::Unreachable(
            "系统打印服务（CUPS）没有运行，请启动打印服务后再试".to_owned()
        )),
        "no scheduler is reported as the print service not running"
    );
}
