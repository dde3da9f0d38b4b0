//! Orderbell as a target: the release binary started on a private data dir and loopback port,
//! set up through its own CLI and HTTP API (tables, their links, one diner per table), and
//! triggered with real cart changes and real payments through the simulator's signed callback.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use super::{free_port, wait_listening};
use crate::http::{Conn, Request};
use crate::worker::MARKER;

/// The demo store, with its menu (dish 1001 is on it).
const STORE: i64 = 1;
const DISH: i64 = 1001;
/// A cart line holds at most 99: a table's cart is cleared before its line would pass that.
const ADDS_PER_CLEAR: u32 = 98;

struct Table {
    id: i64,
    watch: String,
    diner: String,
}

pub struct Orderbell {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
    owner: String,
    tables: Vec<Table>,
    adds: HashMap<i64, u32>,
    /// Orders made ready for a payment trigger: (order id, its credential).
    orders: HashMap<u64, (i64, String)>,
    setup: Conn,
}

fn text(value: &Value, key: &str) -> Option<String> {
    match value {
        Value::Object(map) => map
            .get(key)
            .and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
            .or_else(|| map.values().find_map(|v| text(v, key))),
        _ => None,
    }
}

fn field(value: &Value, key: &str) -> io::Result<String> {
    text(value, key).ok_or_else(|| io::Error::other(format!("no `{key}` in the answer {value}")))
}

async fn expect(conn: &mut Conn, request: &Request) -> io::Result<Value> {
    let response = conn.send(request).await?;
    if !(200..300).contains(&response.status) {
        let body = String::from_utf8_lossy(&response.body);
        return Err(io::Error::other(format!(
            "{} {}: {} {body}",
            request.method, request.path, response.status
        )));
    }
    Ok(response.json())
}

/// The owner's credential, from the lines the server prints once its database is open (it
/// listens before that, and its CLI must not open the database while it migrates). The rest of
/// its output is read and dropped, so that it never blocks on a full pipe.
async fn owner_credential(child: &mut Child) -> io::Result<String> {
    let stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout"))?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            if let Some(owner) = line.strip_prefix("owner\t")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(owner.trim().to_owned());
            }
        }
    });
    match tokio::time::timeout(std::time::Duration::from_secs(60), rx).await {
        Ok(Ok(owner)) => Ok(owner),
        _ => Err(io::Error::other("the server printed no owner credential")),
    }
}

impl Orderbell {
    pub async fn start(binary: &Path, tables: usize) -> io::Result<Orderbell> {
        let dir = tempfile::tempdir()?;
        let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
        let log = std::fs::File::create(dir.path().join("server.log"))?;
        let child = Command::new(binary)
            .args(["serve", "--listen", &addr.to_string(), "--data-dir"])
            .arg(dir.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()?;
        let mut server = Orderbell {
            child,
            addr,
            owner: String::new(),
            tables: Vec::new(),
            adds: HashMap::new(),
            orders: HashMap::new(),
            setup: wait_listening(addr).await?,
            _dir: dir,
        };
        server.owner = owner_credential(&mut server.child).await?;
        server.add_tables(tables).await?;
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Tables for the run, each with its link's token and one diner, over a few connections.
    async fn add_tables(&mut self, count: usize) -> io::Result<()> {
        let lanes = 8;
        let mut tasks = Vec::new();
        for lane in 0..lanes {
            let (addr, owner) = (self.addr, self.owner.clone());
            tasks.push(tokio::spawn(async move {
                let mut conn = Conn::connect(addr).await?;
                let mut made = Vec::new();
                for i in (lane..count).step_by(lanes) {
                    let body = json!({"number": format!("压测{i:05}"), "area": "压测"});
                    let path = format!("/api/stores/{STORE}/tables");
                    let table = expect(&mut conn, &Request::post_json(path, Some(&owner), &body)).await?;
                    let id: i64 = field(&table, "tableId")?.parse().map_err(io::Error::other)?;
                    let link = field(&table, "link")?;
                    let watch = link.rsplit("token=").next().unwrap_or_default().to_owned();
                    let body = json!({"phone": format!("139{i:08}")});
                    let path = format!("/api/tables/{id}/diners");
                    let diner = expect(&mut conn, &Request::post_json(path, Some(&watch), &body)).await?;
                    made.push((
                        i,
                        Table {
                            id,
                            watch,
                            diner: field(&diner, "token")?,
                        },
                    ));
                }
                io::Result::Ok(made)
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.map_err(io::Error::other)??);
        }
        all.sort_by_key(|(i, _)| *i);
        self.tables = all.into_iter().map(|(_, t)| t).collect();
        Ok(())
    }

    pub fn table_count(&self) -> usize {
        self.tables.len()
    }

    pub fn table_path(&self, index: usize, websocket: bool) -> String {
        let table = &self.tables[index];
        if websocket {
            format!("/ws/cart/{}?token={}", table.id, table.watch)
        } else {
            format!("/api/store/order/sse/{}?token={}", table.id, table.watch)
        }
    }

    pub fn store_path(&self, websocket: bool) -> String {
        if websocket {
            format!("/ws/stores/{STORE}?token={}", self.owner)
        } else {
            format!("/api/stores/{STORE}/events?token={}", self.owner)
        }
    }

    pub fn filter(store: bool, websocket: bool) -> String {
        let name = if store { "order_paid" } else { "cart_update" };
        if websocket {
            format!("\"type\":\"{name}\"")
        } else {
            format!("event: {name}")
        }
    }

    /// A cart change on the table carrying `seq` in its remark (the last request; a clear may
    /// come first when the line is full).
    pub fn cart_change(&mut self, index: usize, seq: u64) -> Vec<Request> {
        let table = &self.tables[index];
        let adds = self.adds.entry(table.id).or_default();
        let mut requests = Vec::new();
        if *adds == ADDS_PER_CLEAR {
            *adds = 0;
            requests.push(Request {
                method: "DELETE",
                path: format!("/api/store/order/cart/clear?tableId={}", table.id),
                auth: Some(table.diner.clone()),
                body: None,
            });
        }
        *adds += 1;
        requests.push(add(table, seq));
        requests
    }

    /// Makes an order on table `index` whose dish carries `seq` in its remark, unpaid, ready for
    /// `payment(seq)`.
    pub async fn prepare_order(&mut self, index: usize, seq: u64) -> io::Result<()> {
        let clear = self.cart_change(index, seq);
        for request in &clear {
            expect(&mut self.setup, request).await?;
        }
        let table = &self.tables[index];
        let body = json!({"tableId": table.id, "idempotencyKey": format!("loadgen-{seq}")});
        let order = expect(
            &mut self.setup,
            &Request::post_json("/api/orders".into(), Some(&table.diner), &body),
        )
        .await?;
        // Submitting empties the cart.
        self.adds.insert(table.id, 0);
        let id: i64 = field(&order, "orderId")?.parse().map_err(io::Error::other)?;
        self.orders.insert(seq, (id, field(&order, "token")?));
        Ok(())
    }

    /// Pays the order prepared for `seq` with the simulator (which calls the signed `hmac`
    /// notification back over HTTP): the store stream then carries `order_paid`.
    pub fn payment(&self, seq: u64) -> Vec<Request> {
        let Some((id, token)) = self.orders.get(&seq) else {
            return Vec::new();
        };
        vec![Request {
            method: "POST",
            path: format!("/api/orders/{id}/pay"),
            auth: Some(token.clone()),
            body: None,
        }]
    }

    pub fn stop(&mut self) {
        super::signal(self.child.id(), rustix::process::Signal::TERM);
        let _ = self.child.wait();
    }
}

fn add(table: &Table, seq: u64) -> Request {
    let remark = format!("{}{seq}", String::from_utf8_lossy(MARKER));
    let body = json!({"tableId": table.id, "cuisineId": DISH, "quantity": 1, "remark": remark});
    Request::post_json("/api/store/order/cart/add".into(), Some(&table.diner), &body)
}
