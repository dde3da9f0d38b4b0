//! Several instances of the server in this test's process, as behind a balancer: one database
//! (the same SQLite data dir, which WAL and `BEGIN IMMEDIATE` let several processes share), one
//! private Redis (`--redis-url`), each instance on a port of its own. A phone talks to one, the
//! merchant to another, and what one instance does must reach the clients of the other.

use std::sync::Arc;

use orderbell_server::auth::Role;
use orderbell_server::clock::ManualClock;
use orderbell_server::{App, Bus, Config};
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::services::redis::RedisServer;
use crate::{Api, PATIENCE};

pub struct Cluster {
    pub instances: Vec<Instance>,
    pub redis: RedisServer,
    /// Shared by every instance: tests move it instead of sleeping.
    pub clock: Arc<ManualClock>,
    _dir: TempDir,
}

/// One instance: its address and demo credentials ([`Api`]), and its bus.
pub struct Instance {
    api: Api,
    pub bus: Arc<Bus>,
    stop: CancellationToken,
    task: JoinHandle<orderbell_server::Result<()>>,
}

impl Cluster {
    /// `n` instances on one fresh database and one fresh Redis, with the demo store, a
    /// one-second heartbeat and quick maintenance rounds, as [`crate::TestServer`] has.
    pub async fn start(n: usize) -> Self {
        let dir = tempfile::tempdir().expect("a data dir for the instances to share");
        let redis = RedisServer::start().await;
        let clock = Arc::new(ManualClock::new());
        // On PostgreSQL (`ORDERBELL_TEST_DATABASE_URL`) one fresh database for all of them.
        let database_url = crate::fresh_database().await.map(Into::into);
        let mut instances = Vec::with_capacity(n);
        // One after the other: the first creates and migrates the database.
        for _ in 0..n {
            let mut config = Config::new(dir.path());
            config.heartbeat_secs = 1;
            config.maintenance_millis = 100;
            config.redis_url = Some(redis.url().into());
            config.database_url.clone_from(&database_url);
            instances.push(Instance::start(config, clock.clone()).await);
        }
        Cluster {
            instances,
            redis,
            clock,
            _dir: dir,
        }
    }

    /// Stop every instance gracefully.
    pub async fn stop(self) {
        for instance in self.instances {
            instance.stop.cancel();
            tokio::time::timeout(PATIENCE, instance.task)
                .await
                .expect("an instance stops despite open streams")
                .expect("instance task")
                .expect("the instance ran cleanly");
        }
    }
}

impl Instance {
    async fn start(mut config: Config, clock: Arc<ManualClock>) -> Self {
        let listener = orderbell_server::net::bind("127.0.0.1:0".parse().expect("address")).expect("a port");
        config.listen = listener.local_addr().expect("bound address");
        let app = App::open_with_clock(&config, clock)
            .await
            .expect("the instance opens the shared database");
        let links = app.table_links().await.expect("table links");
        let credential = async |role| app.credential(1, role, None).await.expect("a device credential");
        let (merchant, kitchen) = (credential(Role::Owner).await, credential(Role::Kitchen).await);
        let bus = app.bus();
        let stop = CancellationToken::new();
        let task = tokio::spawn(app.serve(listener, stop.clone().cancelled_owned()));
        let api = Api {
            addr: config.listen,
            links,
            http: reqwest::Client::new(),
            merchant,
            kitchen,
        };
        Instance { api, bus, stop, task }
    }

    /// Wait until this instance's bus is subscribed to Redis (again).
    pub async fn connected(&self) {
        let wait = async {
            while !self.bus.status().connected {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(PATIENCE, wait)
            .await
            .expect("the instance reaches Redis");
    }
}

impl std::ops::Deref for Instance {
    type Target = Api;
    fn deref(&self) -> &Api {
        &self.api
    }
}
