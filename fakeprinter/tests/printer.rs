//! The printer on a real loopback socket: it prints what it is sent, answers status queries at
//! once (mid-stream too), and misbehaves as real printers do when off, out of paper or slow.

mod common;

use std::io::ErrorKind;
use std::time::Duration;

use common::*;
use orderbell_fakeprinter::FakePrinter;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `DLE EOT n`.
fn status(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

/// Sends `bytes` and then asks the status: the answer comes after everything before it in the
/// stream was taken, so the caller may look at what was printed without waiting.
async fn send_then_status(printer: &FakePrinter, bytes: &[u8], n: u8) -> u8 {
    let mut stream = TcpStream::connect(printer.addr())
        .await
        .expect("the printer takes the connection");
    stream
        .write_all(&[bytes, &status(n)].concat())
        .await
        .expect("the printer reads");
    stream.read_u8().await.expect("the printer answers the status query")
}

#[tokio::test]
async fn a_ticket_sent_is_printed() {
    let printer = FakePrinter::start().await;
    let mut stream = TcpStream::connect(printer.addr()).await.expect("connects");
    stream
        .write_all(&kitchen_ticket("A8", "https://a.example/A8"))
        .await
        .expect("sends");
    drop(stream);
    let printed = printer.wait_printed(1).await;
    assert_eq!(printed.len(), 1, "one ticket per cut");
    assert_eq!(printed[0].lines[1].text, "宫保鸡丁 ×2");
}

/// Sends `query` after half a line of text, on a connection left open: the answer must not wait
/// for the end of the job.
async fn ask(stream: &mut TcpStream, query: &[u8]) -> u8 {
    stream
        .write_all(&[b"half a line ", query].concat())
        .await
        .expect("sends");
    stream.read_u8().await.expect("an answer at once")
}

#[tokio::test]
async fn status_answers_ready_then_paper_out_mid_stream() {
    let printer = FakePrinter::start().await;
    let mut stream = TcpStream::connect(printer.addr()).await.expect("connects");
    assert_eq!(ask(&mut stream, &status(1)).await, 0x12, "online, nothing wrong");
    assert_eq!(ask(&mut stream, &status(2)).await, 0x12, "no offline cause");
    assert_eq!(ask(&mut stream, &status(4)).await, 0x12, "paper present");
    assert_eq!(
        ask(&mut stream, b"\x1dr\x01").await,
        0x00,
        "the paper sensor sees paper"
    );
    printer.set_paper_out(true);
    assert_eq!(
        ask(&mut stream, &status(1)).await & 0x08,
        0x08,
        "out of paper, the printer is offline"
    );
    assert_eq!(ask(&mut stream, &status(2)).await & 0x20, 0x20, "stopped by paper end");
    assert_eq!(ask(&mut stream, &status(4)).await & 0x60, 0x60, "paper roll end");
    assert_eq!(
        ask(&mut stream, b"\x1dr\x01").await,
        0x0F,
        "the paper sensor sees no paper"
    );
    printer.set_paper_out(false);
    printer.set_cover_open(true);
    assert_eq!(
        ask(&mut stream, &status(1)).await & 0x08,
        0x08,
        "cover open, the printer is offline"
    );
    assert_eq!(
        ask(&mut stream, &status(2)).await,
        0x12 | 0x04,
        "cover open, paper present"
    );
}

#[tokio::test]
async fn out_of_paper_nothing_is_printed() {
    let printer = FakePrinter::start().await;
    printer.set_paper_out(true);
    let answer = send_then_status(&printer, &kitchen_ticket("A8", "https://a.example/A8"), 4).await;
    assert_eq!(answer & 0x60, 0x60, "it says it has no paper");
    assert!(printer.printed().is_empty(), "a printer without paper prints nothing");
    printer.set_paper_out(false);
    send_then_status(&printer, &kitchen_ticket("B2", "https://a.example/B2"), 4).await;
    let printed = printer.printed();
    assert_eq!(printed.len(), 1, "paper back, the next ticket prints");
    assert_eq!(printed[0].lines[0].text, "B2号桌");
}

#[tokio::test]
async fn switched_off_it_refuses_connections_and_prints_again_when_back_on() {
    let printer = FakePrinter::start().await;
    printer.set_online(false);
    let refused = TcpStream::connect(printer.addr())
        .await
        .expect_err("a printer that is off does not answer");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
    printer.set_online(true);
    send_then_status(&printer, &kitchen_ticket("C3", "https://a.example/C3"), 1).await;
    assert_eq!(printer.printed().len(), 1, "back on, it prints on the same address");
}

#[tokio::test]
async fn switched_off_an_open_connection_is_cut_and_its_job_lost() {
    let printer = FakePrinter::start().await;
    let mut stream = TcpStream::connect(printer.addr()).await.expect("connects");
    stream
        .write_all(&[INIT, b"half a ticket", &status(1)].concat())
        .await
        .expect("sends");
    stream.read_u8().await.expect("the printer is on");
    printer.set_online(false);
    let mut rest = Vec::new();
    let _ = stream.read_to_end(&mut rest).await;
    assert!(rest.is_empty(), "the connection ends with the printer");
    assert!(printer.printed().is_empty(), "the uncut job went with the power");
}

#[tokio::test]
async fn a_slow_printer_still_prints_everything() {
    let printer = FakePrinter::start().await;
    printer.set_slow(Duration::from_millis(2));
    let answer = send_then_status(&printer, &kitchen_ticket("D4", "https://a.example/D4"), 1).await;
    assert_eq!(answer, 0x12);
    let printed = printer.printed();
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0].qr_codes, ["https://a.example/D4"]);
}
