//! One typed configuration, from flags or environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

// Switches set in the environment take what people write there: 1/0, true/false, yes/no, on/off.
use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use reqwest::Url;

use crate::auth::Role;
use crate::logs::LogFormat;

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
    Links {
        /// Only this store's tables (default: every store's).
        #[arg(long)]
        store: Option<i64>,
    },
    /// Print a device credential of a store (the same one each time for a store, role and
    /// name), or the operator's.
    Credential {
        #[arg(long, default_value_t = 1)]
        store: i64,
        /// owner, counter or kitchen.
        #[arg(long, default_value = "owner")]
        role: Role,
        /// The device's name, as the owner's device list shows it (default: 店主, 前台, 厨房).
        #[arg(long)]
        name: Option<String>,
        /// The operator's credential instead, which creates stores (`POST /api/stores`).
        #[arg(long, conflicts_with_all = ["store", "role", "name"])]
        operator: bool,
    },
    /// Write a store's printable QR sheet (qr-sheet.pdf) and each table's code (PNG and SVG).
    Qr {
        #[arg(long, default_value_t = 1)]
        store: i64,
        /// Folder to write them to; created if needed.
        #[arg(long, default_value = "qr")]
        out: PathBuf,
    },
    /// Manage the stores this server hosts.
    Store {
        #[command(subcommand)]
        command: StoreCommand,
    },
    /// Copy the embedded database to FILE, consistent and while the server serves. To restore,
    /// stop the server and put the copy in the data folder as `orderbell.db` (docs/DEPLOY.md).
    Backup {
        /// Where to write the copy; it must not exist yet.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Create a store and print its id and its owner's pairing link.
    Create {
        #[arg(long)]
        name: String,
    },
}

const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
const DEFAULT_DATA_DIR: &str = "data";
const DEFAULT_HEARTBEAT_SECS: u64 = 20;
const DEFAULT_UNPAID_TIMEOUT_SECS: u64 = 15 * 60;
const DEFAULT_REMINDER_INTERVAL_SECS: u64 = 3 * 60;
const DEFAULT_EVENT_RETENTION: u64 = 10_000;
const DEFAULT_MAINTENANCE_MILLIS: u64 = 30_000;
const DEFAULT_WRITE_TIMEOUT_SECS: u64 = 10;
const DEFAULT_WEBHOOK_MERCHANT: &str = "orderbell";
const DEFAULT_WECHAT_API_BASE: &str = "https://api.mch.weixin.qq.com";
const DEFAULT_WECHAT_OPEN_BASE: &str = "https://open.weixin.qq.com";
const DEFAULT_WECHAT_SNS_BASE: &str = "https://api.weixin.qq.com";
const DEFAULT_ALIPAY_GATEWAY: &str = "https://openapi.alipay.com/gateway.do";

#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ORDERBELL_LISTEN", default_value = DEFAULT_LISTEN, global = true)]
    pub listen: SocketAddr,
    /// Folder for the embedded database; created on first run.
    #[arg(long, env = "ORDERBELL_DATA_DIR", default_value = DEFAULT_DATA_DIR, global = true)]
    pub data_dir: PathBuf,
    /// PostgreSQL instead of the embedded database (`postgres://user@host/db`): what several
    /// instances share. Media files stay in `--data-dir`.
    #[arg(long, env = "ORDERBELL_DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<ServiceUrl>,
    /// The address customers' phones reach this server at; table links are made from it.
    /// Defaults to `http://<listen>`.
    #[arg(long, env = "ORDERBELL_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Seconds between heartbeats on every stream.
    #[arg(long, env = "ORDERBELL_HEARTBEAT_SECS", default_value_t = DEFAULT_HEARTBEAT_SECS, global = true)]
    pub heartbeat_secs: u64,
    /// Key that signs table links and every other credential. Generated and kept in the database
    /// when unset; changing it invalidates every printed QR code and credential.
    #[arg(long, env = "ORDERBELL_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<Secret>,
    /// Do not create the demo store on first run.
    #[arg(long, env = "ORDERBELL_NO_DEMO", global = true, value_parser = BoolishValueParser::new())]
    pub no_demo: bool,
    /// Seconds an order may stay unpaid before it is cancelled.
    #[arg(long, env = "ORDERBELL_UNPAID_TIMEOUT_SECS", default_value_t = DEFAULT_UNPAID_TIMEOUT_SECS, global = true)]
    pub unpaid_timeout_secs: u64,
    /// Seconds a customer must wait between two 催单 of one order.
    #[arg(long, env = "ORDERBELL_REMINDER_INTERVAL_SECS", default_value_t = DEFAULT_REMINDER_INTERVAL_SECS, global = true)]
    pub reminder_interval_secs: u64,
    /// Events each store stream keeps for clients that come back (older ids get `resync`).
    #[arg(long, env = "ORDERBELL_EVENT_RETENTION", default_value_t = DEFAULT_EVENT_RETENTION, global = true)]
    pub event_retention: u64,
    /// Milliseconds between maintenance rounds (cancelling unpaid orders, pruning old events).
    #[arg(long, env = "ORDERBELL_MAINTENANCE_MILLIS", default_value_t = DEFAULT_MAINTENANCE_MILLIS, global = true)]
    pub maintenance_millis: u64,
    /// Seconds a connection may go without taking any of what is sent to it (a client that
    /// stopped reading) before it is closed; its client resumes from its last event id.
    #[arg(long, env = "ORDERBELL_WRITE_TIMEOUT_SECS", default_value_t = DEFAULT_WRITE_TIMEOUT_SECS, global = true)]
    pub write_timeout_secs: u64,
    /// Redis for fan-out between several instances (`redis://host:6379`): what one instance
    /// publishes reaches the clients of every other. Without it, fan-out stays in this process.
    #[arg(long, env = "ORDERBELL_REDIS_URL", hide_env_values = true, global = true)]
    pub redis_url: Option<ServiceUrl>,
    /// How logs are written to stderr: text for people, or json (one object a line, with each
    /// request's id) for a log collector.
    #[arg(long, env = "ORDERBELL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
    #[command(flatten)]
    pub payments: PaymentConfig,
}

/// Payment providers. WeChat Pay and Alipay are on when their ids are set.
#[derive(Clone, Debug, Default, Args)]
pub struct PaymentConfig {
    /// WeChat Pay merchant id (`mchid`).
    #[arg(long, env = "ORDERBELL_WECHAT_MCHID", global = true)]
    pub wechat_mchid: Option<String>,
    /// WeChat Pay app id (`appid`); checked when set.
    #[arg(long, env = "ORDERBELL_WECHAT_APPID", global = true)]
    pub wechat_appid: Option<String>,
    /// WeChat Pay APIv3 key (32 characters), which decrypts notifications.
    #[arg(long, env = "ORDERBELL_WECHAT_APIV3_KEY", hide_env_values = true, global = true)]
    pub wechat_apiv3_key: Option<Secret>,
    /// A WeChat Pay platform public key as `SERIAL=PATH` (PEM); repeat for several. The serial
    /// is the certificate serial or the `PUB_KEY_ID_…` of a 微信支付公钥.
    #[arg(long, env = "ORDERBELL_WECHAT_PLATFORM_KEYS", value_delimiter = ',', global = true)]
    pub wechat_platform_key: Vec<String>,
    /// Alipay app id (`app_id`).
    #[arg(long, env = "ORDERBELL_ALIPAY_APP_ID", global = true)]
    pub alipay_app_id: Option<String>,
    /// File with the Alipay public key (支付宝公钥), PEM or the bare base64 the console shows.
    #[arg(long, env = "ORDERBELL_ALIPAY_PUBLIC_KEY", global = true)]
    pub alipay_public_key: Option<PathBuf>,
    /// Secret of the generic `hmac` provider (`whsec_…`). Generated and kept when unset.
    #[arg(long, env = "ORDERBELL_WEBHOOK_SECRET", hide_env_values = true, global = true)]
    pub webhook_secret: Option<Secret>,
    /// The merchant id the `hmac` provider's notifications must name.
    #[arg(long, env = "ORDERBELL_WEBHOOK_MERCHANT_ID", default_value = DEFAULT_WEBHOOK_MERCHANT, global = true)]
    pub webhook_merchant_id: String,
    /// File with the WeChat Pay merchant API private key (`apiclient_key.pem`), which signs our
    /// requests to WeChat Pay. With it (and `--wechat-merchant-serial`) payments are created.
    #[arg(long, env = "ORDERBELL_WECHAT_MERCHANT_KEY", global = true)]
    pub wechat_merchant_key: Option<PathBuf>,
    /// The serial number of the merchant API certificate that key belongs to.
    #[arg(long, env = "ORDERBELL_WECHAT_MERCHANT_SERIAL", global = true)]
    pub wechat_merchant_serial: Option<String>,
    /// The official account's AppSecret, which turns a WeChat OAuth code into the payer's
    /// `openid` (JSAPI payments inside WeChat). Without it, JSAPI is off.
    #[arg(long, env = "ORDERBELL_WECHAT_APP_SECRET", hide_env_values = true, global = true)]
    pub wechat_app_secret: Option<Secret>,
    /// WeChat Pay's API address (a test stand-in's for trials).
    #[arg(long, env = "ORDERBELL_WECHAT_API_BASE", default_value = DEFAULT_WECHAT_API_BASE, global = true)]
    pub wechat_api_base: String,
    /// Where WeChat's OAuth page is (`/connect/oauth2/authorize`).
    #[arg(long, env = "ORDERBELL_WECHAT_OPEN_BASE", default_value = DEFAULT_WECHAT_OPEN_BASE, global = true)]
    pub wechat_open_base: String,
    /// Where WeChat's OAuth code is exchanged for the `openid` (`/sns/oauth2/access_token`).
    #[arg(long, env = "ORDERBELL_WECHAT_SNS_BASE", default_value = DEFAULT_WECHAT_SNS_BASE, global = true)]
    pub wechat_sns_base: String,
    /// File with the Alipay app's private key (应用私钥, PKCS#1 or PKCS#8 PEM, or the bare base64
    /// the Alipay key tool writes), which signs our requests. With it payments are created.
    #[arg(long, env = "ORDERBELL_ALIPAY_PRIVATE_KEY", global = true)]
    pub alipay_private_key: Option<PathBuf>,
    /// Alipay's gateway (`…/gateway.do`).
    #[arg(long, env = "ORDERBELL_ALIPAY_GATEWAY", default_value = DEFAULT_ALIPAY_GATEWAY, global = true)]
    pub alipay_gateway: String,
    /// Turn the built-in payment simulator off (for a server taking real payments).
    #[arg(long, env = "ORDERBELL_NO_SIMULATOR", global = true, value_parser = BoolishValueParser::new())]
    pub no_simulator: bool,
}

impl Config {
    /// A configuration with the defaults, keeping its database in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            listen: DEFAULT_LISTEN.parse().expect("the default address parses"),
            data_dir: data_dir.into(),
            database_url: None,
            public_url: None,
            heartbeat_secs: DEFAULT_HEARTBEAT_SECS,
            secret: None,
            no_demo: false,
            unpaid_timeout_secs: DEFAULT_UNPAID_TIMEOUT_SECS,
            reminder_interval_secs: DEFAULT_REMINDER_INTERVAL_SECS,
            event_retention: DEFAULT_EVENT_RETENTION,
            maintenance_millis: DEFAULT_MAINTENANCE_MILLIS,
            write_timeout_secs: DEFAULT_WRITE_TIMEOUT_SECS,
            redis_url: None,
            log_format: LogFormat::Text,
            payments: PaymentConfig {
                webhook_merchant_id: DEFAULT_WEBHOOK_MERCHANT.to_owned(),
                wechat_api_base: DEFAULT_WECHAT_API_BASE.to_owned(),
                wechat_open_base: DEFAULT_WECHAT_OPEN_BASE.to_owned(),
                wechat_sns_base: DEFAULT_WECHAT_SNS_BASE.to_owned(),
                alipay_gateway: DEFAULT_ALIPAY_GATEWAY.to_owned(),
                ..Default::default()
            },
        }
    }

    pub fn heartbeat(&self) -> Duration {
        Duration::from_secs(self.heartbeat_secs.max(1))
    }

    pub fn write_timeout(&self) -> Duration {
        Duration::from_secs(self.write_timeout_secs.max(1))
    }

    pub fn public_url(&self) -> String {
        let url = self
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.listen));
        url.trim_end_matches('/').to_owned()
    }

    /// Where this server reaches itself (the payment simulator calls back here).
    pub fn self_url(&self) -> String {
        let mut addr = self.listen;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
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
            return Err("a secret must be at least 16 characters".into());
        }
        Ok(Secret(s.to_owned()))
    }
}

/// A connection URL (`--database-url`, `--redis-url`) whose password never shows in logs or
/// `Debug` output; scheme, user, host, port and path stay, so a log still says which server.
#[derive(Clone)]
pub struct ServiceUrl(String);

impl ServiceUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL with its password, in the user part or the query (`?password=`), as `***`. One
    /// that does not parse is hidden whole: where its password would sit is unknown.
    fn redacted(&self) -> String {
        const HIDDEN: &str = "***";
        let Ok(mut url) = Url::parse(&self.0) else {
            return HIDDEN.to_owned();
        };
        if url.password().is_some() && url.set_password(Some(HIDDEN)).is_err() {
            return HIDDEN.to_owned();
        }
        if url.query_pairs().any(|(key, _)| key == "password") {
            let pairs: Vec<(String, String)> = url
                .query_pairs()
                .map(|(key, value)| {
                    let value = if key == "password" { HIDDEN.into() } else { value };
                    (key.into_owned(), value.into_owned())
                })
                .collect();
            url.query_pairs_mut().clear().extend_pairs(pairs);
        }
        url.into()
    }
}

impl fmt::Debug for ServiceUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.redacted(), f)
    }
}

impl From<String> for ServiceUrl {
    fn from(url: String) -> Self {
        ServiceUrl(url)
    }
}

/// Any text is taken: the database and Redis clients say what is wrong with one that is not a URL.
impl std::str::FromStr for ServiceUrl {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ServiceUrl(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(url: &str) -> String {
        format!("{:?}", ServiceUrl::from(url.to_owned()))
    }

    #[test]
    fn a_password_never_shows_but_where_it_connects_does() {
        let postgres = shown("postgres://orderbell:s3cret-pw@db.internal:5432/orderbell?sslmode=require");
        assert_eq!(
            postgres,
            r#""postgres://orderbell:***@db.internal:5432/orderbell?sslmode=require""#
        );
        assert_eq!(
            shown("redis://:s3cret-pw@redis.internal:6379/"),
            r#""redis://:***@redis.internal:6379/""#
        );
        let in_query = shown("postgres://orderbell@db.internal/orderbell?password=s3cret-pw&sslmode=require");
        assert!(!in_query.contains("s3cret-pw"), "{in_query}");
        assert!(
            in_query.contains("db.internal") && in_query.contains("sslmode=require"),
            "{in_query}"
        );
    }

    #[test]
    fn a_url_without_a_password_shows_as_it_is() {
        for url in ["postgres://orderbell@db.internal/orderbell", "redis://127.0.0.1:6379"] {
            assert_eq!(shown(url), format!("{url:?}"));
        }
    }

    #[test]
    fn text_that_is_not_a_url_is_hidden_whole() {
        assert_eq!(shown("host=db password=s3cret-pw"), r#""***""#);
    }

    #[test]
    fn the_flag_gives_the_url_unchanged() {
        let url = "postgres://orderbell:s3cret-pw@db.internal/orderbell";
        let cli = Cli::try_parse_from(["orderbell", "--database-url", url, "serve"]).expect("the flag parses");
        assert_eq!(cli.config.database_url.as_ref().map(ServiceUrl::as_str), Some(url));
        assert!(
            !format!("{:?}", cli.config).contains("s3cret-pw"),
            "Config's Debug hides it"
        );
    }
}
