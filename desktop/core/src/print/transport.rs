//! Getting bytes to a printer. A network printer takes raw ESC/POS on a TCP port (9100): connect,
//! ask its status (`DLE EOT n`, the real-time status query every ESC/POS printer knows), write,
//! close. A printer that does not answer the query is assumed ready: many cheap ones never do,
//! and the write itself tells whether it is there. A system printer goes through CUPS.

use std::time::Duration;

use orderbell_shared::printing::PrinterConnection;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::PrintFailure;
use super::escpos::{STATUS_OFFLINE_CAUSE, STATUS_PAPER, STATUS_PRINTER};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// A printer that answers status does so at once.
const STATUS_TIMEOUT: Duration = Duration::from_millis(500);
/// A slow printer takes a ticket in well under this.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the printer said about itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PrinterState {
    /// It answered the status query at all.
    pub answered: bool,
    /// Near the end of the roll: still prints.
    pub paper_low: bool,
}

/// Ask the printer's status without printing.
pub async fn status(connection: &PrinterConnection) -> Result<PrinterState, PrintFailure> {
    match connection {
        PrinterConnection::Network { host, port } => {
            let mut stream = connect(host, *port).await?;
            let state = query(&mut stream).await?;
            let _ = stream.shutdown().await;
            Ok(state)
        }
        PrinterConnection::System { .. } => Ok(PrinterState::default()),
    }
}

/// Send `bytes`: `Ok` once the printer took them all.
pub async fn send(connection: &PrinterConnection, bytes: &[u8]) -> Result<(), PrintFailure> {
    match connection {
        PrinterConnection::Network { host, port } => {
            let mut stream = connect(host, *port).await?;
            query(&mut stream).await?;
            let write = async {
                stream.write_all(bytes).await?;
                stream.flush().await?;
                stream.shutdown().await
            };
            match tokio::time::timeout(WRITE_TIMEOUT, write).await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(PrintFailure::Unreachable(e.to_string())),
                Err(_) => Err(PrintFailure::Unreachable("打印机无响应".into())),
            }
        }
        PrinterConnection::System { queue } => super::cups::send(queue, bytes).await,
    }
}

async fn connect(host: &str, port: u16) -> Result<TcpStream, PrintFailure> {
    let address = format!("{}:{port}", host.trim());
    match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&address)).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(PrintFailure::Unreachable(format!("{address}（{e}）"))),
        Err(_) => Err(PrintFailure::Unreachable(format!("{address}（超时）"))),
    }
}

/// `DLE EOT 1` (printer status): bit 3 set means off line; then `DLE EOT 2` says why (bit 2 the
/// cover, bit 5 the paper). `DLE EOT 4` (roll sensor): bits 5-6 the paper is out, bits 2-3 low.
async fn query(stream: &mut TcpStream) -> Result<PrinterState, PrintFailure> {
    let Some(printer) = ask(stream, STATUS_PRINTER).await? else {
        return Ok(PrinterState::default());
    };
    if printer & 0x08 != 0 {
        let cause = ask(stream, STATUS_OFFLINE_CAUSE).await?.unwrap_or(0);
        if cause & 0x04 != 0 {
            return Err(PrintFailure::CoverOpen);
        }
        if cause & 0x20 != 0 {
            return Err(PrintFailure::PaperOut);
        }
    }
    let paper = ask(stream, STATUS_PAPER).await?.unwrap_or(0);
    if paper & 0x60 != 0 {
        return Err(PrintFailure::PaperOut);
    }
    Ok(PrinterState {
        answered: true,
        paper_low: paper & 0x0c != 0,
    })
}

/// One status byte, or `None` when the printer stays silent.
async fn ask(stream: &mut TcpStream, query: &[u8]) -> Result<Option<u8>, PrintFailure> {
    let lost = |e: std::io::Error| PrintFailure::Unreachable(e.to_string());
    stream.write_all(query).await.map_err(lost)?;
    let mut byte = [0u8; 1];
    match tokio::time::timeout(STATUS_TIMEOUT, stream.read(&mut byte)).await {
        Ok(Ok(1)) => Ok(Some(byte[0])),
        Ok(Ok(_)) => Err(PrintFailure::Unreachable("打印机断开了连接".into())),
        Ok(Err(e)) => Err(lost(e)),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use tokio::net::TcpListener;

    use super::*;

    /// A printer that answers each status query with `answers[n]` (or stays silent) and keeps
    /// what it is sent.
    async fn printer(answers: [Option<u8>; 5]) -> (PrinterConnection, tokio::task::JoinHandle<Vec<u8>>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut got = Vec::new();
            let mut buf = [0u8; 256];
            loop {
                let n = socket.read(&mut buf).await.expect("read");
                if n == 0 {
                    return got;
                }
                got.extend_from_slice(&buf[..n]);
                if let [.., 0x10, 0x04, q] = got[..]
                    && let Some(answer) = answers.get(usize::from(q)).copied().flatten()
                {
                    socket.write_all(&[answer]).await.expect("answer");
                }
            }
        });
        let connection = PrinterConnection::Network {
            host: "127.0.0.1".into(),
            port,
        };
        (connection, task)
    }

    #[tokio::test]
    async fn a_ready_printer_gets_the_bytes_after_the_status_queries() {
        let (connection, printed) = printer([None, Some(0x12), None, None, Some(0x12)]).await;
        send(&connection, b"\x1b@ticket").await.expect("printed");
        let got = printed.await.expect("printer");
        assert_eq!(got, b"\x10\x04\x01\x10\x04\x04\x1b@ticket");
    }

    #[tokio::test]
    async fn a_silent_printer_is_assumed_ready() {
        let (connection, printed) = printer([None; 5]).await;
        send(&connection, b"\x1b@").await.expect("printed");
        assert!(printed.await.expect("printer").ends_with(b"\x1b@"));
    }

    #[tokio::test]
    async fn paper_out_is_told_and_nothing_is_sent() {
        let (connection, printed) = printer([None, Some(0x1a), Some(0x32), None, Some(0x72)]).await;
        assert_eq!(send(&connection, b"\x1b@ticket").await, Err(PrintFailure::PaperOut));
        assert!(!printed.await.expect("printer").ends_with(b"ticket"));
    }

    #[tokio::test]
    async fn nobody_listening_is_unreachable() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        drop(listener);
        let connection = PrinterConnection::Network {
            host: "127.0.0.1".into(),
            port,
        };
        assert!(matches!(
            send(&connection, b"x").await,
            Err(PrintFailure::Unreachable(_))
        ));
    }
}
