//! 退菜 and the books (order history, 日结 and its CSV), end to end: the real server, money
//! paid through the simulator, time moved on the server's clock.

mod day;
mod later;
mod refunds;
mod returns;

use orderbell_shared::OrderDTO;
use orderbell_shared::access::{IssuedDevice, Role};
use orderbell_tests::TestServer;
pub use orderbell_tests::refused;
use serde::de::DeserializeOwned;
use serde_json::json;

/// The demo store's time: China's.
pub const OFFSET_MINUTES: i64 = 480;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// A counter (前台) device of the demo store, named `name`.
pub async fn counter(server: &TestServer, name: &str) -> String {
    let response = server
        .post(
            "/api/stores/1/devices",
            &server.merchant,
            json!({"name": name, "role": Role::Counter}),
        )
        .await;
    assert_eq!(response.status(), 201, "the owner issues a counter device");
    let device: IssuedDevice = response.json().await.expect("the issued device");
    device.credential
}

/// 退菜 of `quantity` of line `line`, as `token`.
pub fn give_back(
    server: &TestServer,
    token: &str,
    order_id: i64,
    line: u32,
    quantity: u32,
    reason: &str,
) -> impl Future<Output = reqwest::Response> + use<> {
    server.post(
        &format!("/api/orders/{order_id}/returns"),
        token,
        json!({"line": line, "quantity": quantity, "reason": reason}),
    )
}

/// A successful 退菜: the order as it is after it.
pub async fn returned(server: &TestServer, order_id: i64, line: u32, quantity: u32, reason: &str) -> OrderDTO {
    let response = give_back(server, &server.merchant, order_id, line, quantity, reason).await;
    assert_eq!(response.status(), 200, "the return is allowed");
    response.json().await.expect("the order after the return")
}

/// GET `path` as `token`, which must answer 200 with JSON.
pub async fn get_json<T: DeserializeOwned>(server: &TestServer, path: &str, token: &str) -> T {
    let response = server.get(path, token).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("JSON body")
}

/// Move the server's clock to `hour`:`minute` of the store's next day.
pub fn next_local_day_at(server: &TestServer, hour: i64, minute: i64) {
    let local = now(server) + OFFSET_MINUTES * 60_000;
    let to_midnight = DAY_MS - local.rem_euclid(DAY_MS);
    let ms = to_midnight + (hour * 60 + minute) * 60_000;
    server.clock.advance_secs((ms + 999) / 1000);
}

/// Move the server's clock by `minutes`.
pub fn later(server: &TestServer, minutes: i64) {
    server.clock.advance_secs(minutes * 60);
}

pub fn now(server: &TestServer) -> i64 {
    use orderbell_server::clock::Clock as _;
    server.clock.now_ms()
}

/// The store-local `YYYY-MM-DD` of an instant: an oracle written apart from the server's own
/// (Howard Hinnant's civil-from-days).
pub fn local_date(ms: i64) -> String {
    let days = (ms + OFFSET_MINUTES * 60_000).div_euclid(DAY_MS);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
