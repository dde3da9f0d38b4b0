//! One typed configuration, from flags or environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "orderbell",
    version,
    about = "Orderbell: a restaurant's real-time ordering backbone"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Print each table's signed link: what its QR code encodes.
    Links,
}

#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ORDERBELL_LISTEN", default_value = "127.0.0.1:8080", global = true)]
    pub listen: SocketAddr,
    /// Folder for the embedded database; created on first run.
    #[arg(long, env = "ORDERBELL_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// The address customers' phones reach this server at; table links are made from it.
    /// Defaults to `http://<listen>`.
    #[arg(long, env = "ORDERBELL_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Seconds between heartbeats on every stream.
    #[arg(long, env = "ORDERBELL_HEARTBEAT_SECS", default_value_t = 20, global = true)]
    pub heartbeat_secs: u64,
    /// Key that signs table links and diner tokens. Generated and kept in the database when
    /// unset; changing it invalidates every printed QR code.
    #[arg(long, env = "ORDERBELL_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<Secret>,
    /// Do not create the demo store on first run.
    #[arg(long, env = "ORDERBELL_NO_DEMO", global = true)]
    pub no_demo: bool,
}

impl Config {
    /// A configuration with the defaults, keeping its database in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: data_dir.into(),
            public_url: None,
            heartbeat_secs: 20,
            secret: None,
            no_demo: false,
        }
    }

    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs.max(1))
    }

    pub fn public_url(&self) -> String {
        let url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        url.trim_end_matches('/').to_owned()
    }
}

/// A secret that never shows in logs or `Debug` output.
#[derive(Clone)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.len() < 16 {
            return Err("the secret must be at least 16 characters".into());
        }
        Ok(Secret(s.to_owned()))
    }
}
