//! Orderbell as a target: one or more release binaries, each on a private data dir and loopback
//! port, on the embedded SQLite (`orderbell`), on a private PostgreSQL (`orderbell-pg`), or
//! several on PostgreSQL and Redis (`orderbell-cluster`). Set up through its own CLI and HTTP API
//! (tables, their links, one diner per table), and triggered with real cart changes and real
//! payments through the simulator's signed callback.
//!
//! In a cluster each channel has a home instance its subscribers connect to, and its triggers go
//! to the next one: every delivery crosses Redis.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::Path;

use serde_json::{Value, json};

use super::engines::{Postgres, Redis};
use super::instance::{Instance, Urls};
use crate::http::{Conn, Request};
use crate::procfs::{CpuMeter, pss_kib};
use crate::worker::MARKER;

/// The demo store, with its menu (dish 1001 is on it).
const STORE: i64 = 1;
const DISH: i64 = 1001;
/// A cart line holds at most 99: a table's cart is cleared before its line would pass that.
const ADDS_PER_CLEAR: u32 = 98;

/// What the instances keep their data in and fan out through.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Engine {
    /// The embedded default: SQLite in the data dir, in-process fan-out; one instance.
    Sqlite,
    /// One instance on PostgreSQL.
    Postgres,
    /// Several instances on PostgreSQL and Redis.
    Cluster,
}

struct Table {
    id: i64,
    watch: String,
    diner: String,
}

pub struct Orderbell {
    engine: Engine,
    // Declared before the engines: the instances stop before PostgreSQL and Redis do.
    instances: Vec<Instance>,
    postgres: Option<Postgres>,
    redis: Option<Redis>,
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

impl Orderbell {
    /// Starts the engines `engine` needs and `instances` servers on them (one after another: the
    /// first migrates the fresh database), then sets up `tables` tables.
    pub async fn start(binary: &Path, engine: Engine, instances: usize, tables: usize) -> io::Result<Orderbell> {
        let postgres = match engine {
            Engine::Sqlite => None,
            Engine::Postgres | Engine::Cluster => Some(Postgres::start().await?),
        };
        let redis = match engine {
            Engine::Cluster => Some(Redis::start().await?),
            Engine::Sqlite | Engine::Postgres => None,
        };
        let urls = Urls {
            database: postgres.as_ref().map(Postgres::url),
            redis: redis.as_ref().map(Redis::url),
        };
        let count = if engine == Engine::Cluster { instances.max(2) } else { 1 };
        let mut started = Vec::with_capacity(count);
        for _ in 0..count {
            started.push(Instance::start(binary, &urls).await?);
        }
        let mut server = Orderbell {
            engine,
            owner: started[0].owner.clone(),
            setup: Conn::connect(started[0].addr).await?,
            instances: started,
            postgres,
            redis,
            tables: Vec::new(),
            adds: HashMap::new(),
            orders: HashMap::new(),
        };
        server.add_tables(tables).await?;
        Ok(server)
    }

    pub fn name(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite => "orderbell",
            Engine::Postgres => "orderbell-pg",
            Engine::Cluster => "orderbell-cluster",
        }
    }

    pub fn instance_count(&self) -> usize {
        self.instances.len()
    }

    /// The serving processes.
    pub fn pids(&self) -> Vec<u32> {
        self.instances.iter().map(Instance::pid).collect()
    }

    /// CPU of PostgreSQL (the postmaster and every backend, also those forked meanwhile) and
    /// Redis from now on; none on the embedded default.
    pub fn engine_meter(&self) -> Option<CpuMeter> {
        let postgres = self.postgres.as_ref()?;
        let redis = self.redis.as_ref().map(Redis::pid);
        Some(CpuMeter::start_with_children(
            redis.into_iter().collect(),
            vec![postgres.postmaster()],
        ))
    }

    /// Proportional memory (PSS: PostgreSQL's shared buffers counted once across its
    /// processes) of the engines, in MiB.
    pub fn engine_pss_mib(&self) -> Option<f64> {
        let postgres = self.postgres.as_ref()?;
        let redis = self.redis.as_ref().map(Redis::pid);
        let kib: u64 = postgres.pids().into_iter().chain(redis).map(pss_kib).sum();
        Some(kib as f64 / 1024.0)
    }

    /// The instance a channel's subscribers connect to: a table's by its index, the store's
    /// the first.
    fn home(&self, table: Option<usize>) -> usize {
        table.map_or(0, |i| i % self.instances.len())
    }

    pub fn sub_addr(&self, table: Option<usize>) -> SocketAddr {
        self.instances[self.home(table)].addr
    }

    /// The instance after the channel's home (itself when there is one).
    pub fn trigger_addr(&self, table: Option<usize>) -> SocketAddr {
        self.instances[(self.home(table) + 1) % self.instances.len()].addr
    }

    /// Tables for the run, each with its link's token and one diner, over a few connections.
    async fn add_tables(&mut self, count: usize) -> io::Result<()> {
        let lanes = 8;
        let mut tasks = Vec::new();
        for lane in 0..lanes {
            // Spread over the instances: they share the database.
            let addr = self.instances[lane % self.instances.len()].addr;
            let owner = self.owner.clone();
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

    /// Stops the instances, then the engines.
    pub fn stop(&mut self) {
        self.instances.clear();
        self.redis = None;
        self.postgres = None;
    }
}

fn add(table: &Table, seq: u64) -> Request {
    let remark = format!("{}{seq}", String::from_utf8_lossy(MARKER));
    let body = json!({"tableId": table.id, "cuisineId": DISH, "quantity": 1, "remark": remark});
    Request::post_json("/api/store/order/cart/add".into(), Some(&table.diner), &body)
}
