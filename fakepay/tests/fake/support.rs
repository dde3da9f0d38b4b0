//! A merchant's side: requests signed as the providers' documentation says, answers and
//! notifications verified with the providers' public keys, and a notify_url that keeps what it is sent.

use std::sync::Arc;
use std::time::Duration;

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use orderbell_fakepay::FakePay;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::Value;
use sha2::Sha256;
use tokio::sync::{Mutex, mpsc};

pub const PATIENCE: Duration = Duration::from_secs(15);

pub struct Merchant {
    pub fake: FakePay,
    pub http: reqwest::Client,
    pub merchant_key: RsaPrivateKey,
    pub platform_public: RsaPublicKey,
    pub app_key: RsaPrivateKey,
    pub alipay_public: RsaPublicKey,
}

pub fn sign(key: &RsaPrivateKey, message: &str) -> String {
    STANDARD.encode(
        SigningKey::<Sha256>::new(key.clone())
            .sign(message.as_bytes())
            .to_bytes(),
    )
}

pub fn verified(key: &RsaPublicKey, message: &str, signature: &str) -> bool {
    let bytes = STANDARD.decode(signature).expect("base64 signature");
    let signature = Signature::try_from(bytes.as_slice()).expect("a signature");
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(message.as_bytes(), &signature)
        .is_ok()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name}"))
}

/// Whether WeChat's `Wechatpay-*` headers sign `body` with the platform key.
pub fn wechat_verified(key: &RsaPublicKey, headers: &HeaderMap, body: &str) -> bool {
    let message = format!(
        "{}\n{}\n{}\n",
        header(headers, "Wechatpay-Timestamp"),
        header(headers, "Wechatpay-Nonce"),
        body
    );
    verified(key, &message, header(headers, "Wechatpay-Signature"))
}

impl Merchant {
    pub async fn start() -> Merchant {
        let fake = FakePay::start(None).await;
        let keys = fake.keys();
        let read = |path: std::path::PathBuf| std::fs::read_to_string(path).expect("key file");
        let private = |path| RsaPrivateKey::from_pkcs8_pem(&read(path)).expect("PKCS#8 private key");
        let public = |path| RsaPublicKey::from_public_key_pem(&read(path)).expect("SPKI public key");
        Merchant {
            merchant_key: private(keys.wechat_merchant_key_path()),
            platform_public: public(keys.wechat_platform_public_key_path()),
            app_key: private(keys.alipay_app_key_path()),
            alipay_public: public(keys.alipay_public_key_path()),
            http: reqwest::Client::new(),
            fake,
        }
    }

    /// A WeChat Pay v3 request signed with `key`; the answer, checked to be signed by the platform.
    pub async fn wechat_as(
        &self,
        key: &RsaPrivateKey,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let nonce = "593BEC0C930BF1AFEB40B4A08C8FB242";
        let signature = sign(key, &format!("{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n"));
        let account = &self.fake.keys().wechat;
        let authorization = format!(
            r#"WECHATPAY2-SHA256-RSA2048 mchid="{}",nonce_str="{nonce}",signature="{signature}",timestamp="{timestamp}",serial_no="{}""#,
            account.mchid, account.merchant_serial
        );
        let method = method.parse().expect("a method");
        let response = self
            .http
            .request(method, format!("{}{path}", self.fake.url()))
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body)
            .send()
            .await
            .expect("the fake answers");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        assert!(
            wechat_verified(&self.platform_public, &headers, &text),
            "the answer is signed with the platform key: {text}"
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn wechat(&self, method: &str, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        self.wechat_as(&self.merchant_key, method, path, body).await
    }

    /// The `resource` of a WeChat notification, decrypted with the APIv3 key.
    pub fn decrypt(&self, notification: &Value) -> Value {
        let resource = &notification["resource"];
        let key = self.fake.keys().wechat.api_v3_key.as_bytes();
        let cipher = Aes256Gcm::new_from_slice(key).expect("a 32-byte key");
        let ciphertext = STANDARD
            .decode(resource["ciphertext"].as_str().expect("ciphertext"))
            .expect("base64");
        let nonce = resource["nonce"].as_str().expect("nonce");
        let aad = resource["associated_data"].as_str().expect("associated_data");
        let payload = Payload {
            msg: &ciphertext,
            aad: aad.as_bytes(),
        };
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce.as_bytes()), payload)
            .expect("decrypts with the APIv3 key");
        serde_json::from_slice(&plain).expect("JSON resource")
    }
}

/// A notify_url: keeps every request, answers with the next of the statuses it was given (then 200).
#[derive(Clone)]
pub struct Inbox {
    pub url: String,
    received: Arc<Mutex<mpsc::UnboundedReceiver<(HeaderMap, String)>>>,
}

struct InboxState {
    sent: mpsc::UnboundedSender<(HeaderMap, String)>,
    answers: Mutex<Vec<(StatusCode, &'static str)>>,
}

impl Inbox {
    /// Answers `answers` in turn, then 200 `success` (what both providers take as accepted).
    pub async fn start(answers: Vec<(StatusCode, &'static str)>) -> Inbox {
        let (sent, received) = mpsc::unbounded_channel();
        let state = Arc::new(InboxState {
            sent,
            answers: Mutex::new(answers),
        });
        let app = Router::new().route("/notify", post(receive)).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}/notify", listener.local_addr().expect("address"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Inbox {
            url,
            received: Arc::new(Mutex::new(received)),
        }
    }

    pub async fn next(&self) -> (HeaderMap, String) {
        let mut received = self.received.lock().await;
        tokio::time::timeout(PATIENCE, received.recv())
            .await
            .expect("a notification in time")
            .expect("the inbox is open")
    }

    /// Whether anything arrives within `wait`.
    pub async fn nothing_within(&self, wait: Duration) -> bool {
        let mut received = self.received.lock().await;
        tokio::time::timeout(wait, received.recv()).await.is_err()
    }
}

async fn receive(State(state): State<Arc<InboxState>>, headers: HeaderMap, body: Bytes) -> (StatusCode, &'static str) {
    let _ = state.sent.send((headers, String::from_utf8_lossy(&body).into_owned()));
    let mut answers = state.answers.lock().await;
    if answers.is_empty() {
        (StatusCode::OK, "success")
    } else {
        answers.remove(0)
    }
}
