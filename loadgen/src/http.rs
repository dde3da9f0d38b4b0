//! A lean HTTP/1.1 client over one keep-alive connection: the triggers (cart changes, payments,
//! nchan publishes) and the setup calls. Hand-written so that the load generator costs little.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::clock::now_ns;

/// One request; `auth` is a bearer credential.
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub auth: Option<String>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn post_json(path: String, auth: Option<&str>, body: &serde_json::Value) -> Self {
        Request {
            method: "POST",
            path,
            auth: auth.map(str::to_owned),
            body: Some(body.to_string().into_bytes()),
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\n", self.method, self.path).into_bytes();
        if let Some(auth) = &self.auth {
            out.extend_from_slice(format!("Authorization: Bearer {auth}\r\n").as_bytes());
        }
        let body = self.body.as_deref().unwrap_or_default();
        if self.body.is_some() {
            out.extend_from_slice(b"Content-Type: application/json\r\n");
        }
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        out
    }
}

pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// When the request's first byte was about to be written (the clock of `clock::now_ns`).
    pub sent_ns: u64,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(4096),
        })
    }

    pub async fn send(&mut self, request: &Request) -> io::Result<Response> {
        let bytes = request.encode();
        let sent_ns = now_ns();
        self.stream.write_all(&bytes).await?;
        let head = read_head(&mut self.stream, &mut self.buf).await?;
        let body = match head.length {
            BodyLength::Known(n) => {
                while self.buf.len() < n {
                    read_more(&mut self.stream, &mut self.buf).await?;
                }
                self.buf.drain(..n).collect()
            }
            BodyLength::Chunked => {
                let mut decoder = Chunked::default();
                let mut body = Vec::new();
                loop {
                    decoder.decode(&mut self.buf, &mut body);
                    if decoder.finished {
                        break body;
                    }
                    read_more(&mut self.stream, &mut self.buf).await?;
                }
            }
        };
        Ok(Response {
            status: head.status,
            body,
            sent_ns,
        })
    }
}

pub enum BodyLength {
    Known(usize),
    Chunked,
}

pub struct Head {
    pub status: u16,
    pub length: BodyLength,
}

async fn read_more<S: AsyncReadExt + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.reserve(4096);
    if stream.read_buf(buf).await? == 0 {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection",
        ));
    }
    Ok(())
}

/// Reads a response head off `buf` (filled from `stream` as needed); the body's first bytes stay
/// in `buf`.
pub async fn read_head<S: AsyncReadExt + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> io::Result<Head> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let status = response.code.unwrap_or(0);
                let mut length = BodyLength::Known(0);
                for h in response.headers.iter() {
                    if h.name.eq_ignore_ascii_case("content-length") {
                        let n = std::str::from_utf8(h.value).ok().and_then(|v| v.trim().parse().ok());
                        length = BodyLength::Known(n.unwrap_or(0));
                    } else if h.name.eq_ignore_ascii_case("transfer-encoding")
                        && h.value.eq_ignore_ascii_case(b"chunked")
                    {
                        length = BodyLength::Chunked;
                    }
                }
                buf.drain(..len);
                return Ok(Head { status, length });
            }
            Ok(httparse::Status::Partial) => read_more(stream, buf).await?,
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e)),
        }
    }
}

/// Decodes `Transfer-Encoding: chunked` incrementally: whatever complete part of `raw` there is
/// moves into `out`.
#[derive(Default)]
pub struct Chunked {
    remaining: usize,
    after_data: bool,
    pub finished: bool,
}

impl Chunked {
    pub fn decode(&mut self, raw: &mut Vec<u8>, out: &mut Vec<u8>) {
        let mut at = 0;
        while !self.finished {
            if self.remaining > 0 {
                let n = self.remaining.min(raw.len() - at);
                if n == 0 {
                    break;
                }
                out.extend_from_slice(&raw[at..at + n]);
                at += n;
                self.remaining -= n;
                self.after_data = self.remaining == 0;
            } else if self.after_data {
                if raw.len() - at < 2 {
                    break;
                }
                at += 2;
                self.after_data = false;
            } else {
                let Some(end) = raw[at..].windows(2).position(|w| w == b"\r\n") else {
                    break;
                };
                let line = std::str::from_utf8(&raw[at..at + end]).unwrap_or("0");
                let size = usize::from_str_radix(line.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
                at += end + 2;
                if size == 0 {
                    self.finished = true;
                } else {
                    self.remaining = size;
                }
            }
        }
        raw.drain(..at);
    }
}

#[cfg(test)]
mod tests {
    use super::Chunked;

    #[test]
    fn chunks_split_anywhere_decode_to_the_same_bytes() {
        let wire = b"5\r\nhello\r\na;ext=1\r\n, world!!!\r\n0\r\n\r\n";
        for split in 0..wire.len() {
            let (mut decoder, mut raw, mut out) = (Chunked::default(), Vec::new(), Vec::new());
            raw.extend_from_slice(&wire[..split]);
            decoder.decode(&mut raw, &mut out);
            raw.extend_from_slice(&wire[split..]);
            decoder.decode(&mut raw, &mut out);
            assert_eq!(out, b"hello, world!!!", "split at {split}");
            assert!(decoder.finished, "the last chunk ends the body (split at {split})");
        }
    }
}
