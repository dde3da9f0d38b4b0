//! The merchant's and the providers' keys and account numbers, made once in a directory and read
//! back on every later start, and the `ORDERBELL_*` settings that point a server at the fake.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::rand_core::OsRng;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::{Deserialize, Serialize};

use crate::signers::random_text;

/// Everything a merchant is given by WeChat Pay and Alipay, and the providers' own keys.
#[derive(Clone, Debug)]
pub struct Keys {
    pub dir: PathBuf,
    pub wechat: WechatAccount,
    pub alipay: AlipayAccount,
    /// The merchant's API key: WeChat checks the merchant's signatures with its public half.
    pub wechat_merchant_key: RsaPrivateKey,
    /// WeChat Pay's platform key: it signs responses and notifications.
    pub wechat_platform_key: RsaPrivateKey,
    /// The merchant's Alipay app key (应用私钥).
    pub alipay_app_key: RsaPrivateKey,
    /// Alipay's own key: the merchant holds its public half (支付宝公钥).
    pub alipay_key: RsaPrivateKey,
}

/// The WeChat Pay merchant account: ids and secrets as the merchant platform shows them.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WechatAccount {
    pub mchid: String,
    pub appid: String,
    pub app_secret: String,
    pub api_v3_key: String,
    /// The serial of the merchant API certificate (40 hex digits).
    pub merchant_serial: String,
    /// The id of WeChat Pay's public key (`PUB_KEY_ID_…`), sent as `Wechatpay-Serial`.
    pub platform_serial: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlipayAccount {
    pub app_id: String,
}

const WECHAT_ACCOUNT: &str = "wechat/account.json";
const WECHAT_MERCHANT_KEY: &str = "wechat/apiclient_key.pem";
const WECHAT_PLATFORM_KEY: &str = "wechat/platform_private_key.pem";
const WECHAT_PLATFORM_PUBLIC: &str = "wechat/platform_public_key.pem";
const ALIPAY_ACCOUNT: &str = "alipay/account.json";
const ALIPAY_APP_KEY: &str = "alipay/app_private_key.pem";
const ALIPAY_APP_PUBLIC: &str = "alipay/app_public_key.pem";
const ALIPAY_KEY: &str = "alipay/alipay_private_key.pem";
const ALIPAY_PUBLIC: &str = "alipay/alipay_public_key.pem";

impl Keys {
    /// The keys in `dir`, made and written there first if it has none.
    pub fn load_or_create(dir: &Path) -> io::Result<Keys> {
        fs::create_dir_all(dir.join("wechat"))?;
        fs::create_dir_all(dir.join("alipay"))?;
        let dir = dir.canonicalize()?;
        if !dir.join(WECHAT_ACCOUNT).exists() {
            create(&dir)?;
        }
        Ok(Keys {
            wechat: read_json(&dir.join(WECHAT_ACCOUNT))?,
            alipay: read_json(&dir.join(ALIPAY_ACCOUNT))?,
            wechat_merchant_key: read_key(&dir.join(WECHAT_MERCHANT_KEY))?,
            wechat_platform_key: read_key(&dir.join(WECHAT_PLATFORM_KEY))?,
            alipay_app_key: read_key(&dir.join(ALIPAY_APP_KEY))?,
            alipay_key: read_key(&dir.join(ALIPAY_KEY))?,
            dir,
        })
    }

    pub fn wechat_merchant_key_path(&self) -> PathBuf {
        self.dir.join(WECHAT_MERCHANT_KEY)
    }

    pub fn wechat_platform_public_key_path(&self) -> PathBuf {
        self.dir.join(WECHAT_PLATFORM_PUBLIC)
    }

    pub fn alipay_app_key_path(&self) -> PathBuf {
        self.dir.join(ALIPAY_APP_KEY)
    }

    pub fn alipay_public_key_path(&self) -> PathBuf {
        self.dir.join(ALIPAY_PUBLIC)
    }

    /// The settings that point an Orderbell server at the fake on `base` (`http://host:port`).
    pub fn env(&self, base: &str) -> Vec<(String, String)> {
        let path = |p: PathBuf| p.display().to_string();
        let wechat = &self.wechat;
        let platform = format!(
            "{}={}",
            wechat.platform_serial,
            path(self.wechat_platform_public_key_path())
        );
        [
            ("ORDERBELL_WECHAT_MCHID", wechat.mchid.clone()),
            ("ORDERBELL_WECHAT_APPID", wechat.appid.clone()),
            ("ORDERBELL_WECHAT_APP_SECRET", wechat.app_secret.clone()),
            ("ORDERBELL_WECHAT_APIV3_KEY", wechat.api_v3_key.clone()),
            ("ORDERBELL_WECHAT_MERCHANT_KEY", path(self.wechat_merchant_key_path())),
            ("ORDERBELL_WECHAT_MERCHANT_SERIAL", wechat.merchant_serial.clone()),
            ("ORDERBELL_WECHAT_PLATFORM_KEYS", platform),
            ("ORDERBELL_WECHAT_API_BASE", base.to_owned()),
            ("ORDERBELL_WECHAT_OPEN_BASE", base.to_owned()),
            ("ORDERBELL_WECHAT_SNS_BASE", base.to_owned()),
            ("ORDERBELL_ALIPAY_APP_ID", self.alipay.app_id.clone()),
            ("ORDERBELL_ALIPAY_PRIVATE_KEY", path(self.alipay_app_key_path())),
            ("ORDERBELL_ALIPAY_PUBLIC_KEY", path(self.alipay_public_key_path())),
            ("ORDERBELL_ALIPAY_GATEWAY", format!("{base}/gateway.do")),
            ("ORDERBELL_NO_SIMULATOR", "true".to_owned()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
    }

    /// Writes [`Keys::env`] to `DIR/orderbell.env` (`NAME=value` lines) and returns its path.
    pub fn write_env(&self, base: &str) -> io::Result<PathBuf> {
        let file = self.dir.join("orderbell.env");
        let lines: String = self
            .env(base)
            .iter()
            .map(|(name, value)| format!("{name}={value}\n"))
            .collect();
        fs::write(&file, lines)?;
        Ok(file)
    }
}

/// Four 2048-bit keys. Making them takes a while, so a process makes them once and every
/// directory it fills gets the same ones (a test's fakes need not differ from each other).
fn fresh_keys() -> &'static [RsaPrivateKey; 4] {
    static KEYS: OnceLock<[RsaPrivateKey; 4]> = OnceLock::new();
    KEYS.get_or_init(|| std::array::from_fn(|_| RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key generation")))
}

fn create(dir: &Path) -> io::Result<()> {
    let [merchant, platform, app, alipay] = fresh_keys();
    let digits = |n: usize| {
        (0..n)
            .map(|_| char::from(b'0' + rand::random_range(0..10u8)))
            .collect::<String>()
    };
    let hex = |n: usize| {
        (0..n)
            .map(|_| char::from(b"0123456789ABCDEF"[rand::random_range(0..16usize)]))
            .collect::<String>()
    };
    let wechat = WechatAccount {
        mchid: format!("19{}", digits(8)),
        appid: format!("wx{}", hex(16).to_lowercase()),
        app_secret: hex(32).to_lowercase(),
        api_v3_key: random_text(32),
        merchant_serial: hex(40),
        platform_serial: format!("PUB_KEY_ID_01{}", digits(26)),
    };
    let alipay_account = AlipayAccount {
        app_id: format!("2021{}", digits(12)),
    };
    write_json(&dir.join(ALIPAY_ACCOUNT), &alipay_account)?;
    write_private(&dir.join(WECHAT_MERCHANT_KEY), merchant)?;
    write_private(&dir.join(WECHAT_PLATFORM_KEY), platform)?;
    write_public(&dir.join(WECHAT_PLATFORM_PUBLIC), platform)?;
    write_private(&dir.join(ALIPAY_APP_KEY), app)?;
    write_public(&dir.join(ALIPAY_APP_PUBLIC), app)?;
    write_private(&dir.join(ALIPAY_KEY), alipay)?;
    write_public(&dir.join(ALIPAY_PUBLIC), alipay)?;
    // Last: its presence says the directory is complete.
    write_json(&dir.join(WECHAT_ACCOUNT), &wechat)
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

fn read_json<T: for<'de> Deserialize<'de>>(file: &Path) -> io::Result<T> {
    serde_json::from_str(&fs::read_to_string(file)?).map_err(invalid)
}

fn write_json(file: &Path, value: &impl Serialize) -> io::Result<()> {
    fs::write(file, serde_json::to_string_pretty(value).map_err(invalid)?)
}

fn read_key(file: &Path) -> io::Result<RsaPrivateKey> {
    RsaPrivateKey::from_pkcs8_pem(&fs::read_to_string(file)?).map_err(invalid)
}

fn write_private(file: &Path, key: &RsaPrivateKey) -> io::Result<()> {
    fs::write(file, key.to_pkcs8_pem(LineEnding::LF).map_err(invalid)?.as_bytes())
}

fn write_public(file: &Path, key: &RsaPrivateKey) -> io::Result<()> {
    let public = RsaPublicKey::from(key);
    fs::write(file, public.to_public_key_pem(LineEnding::LF).map_err(invalid)?)
}
