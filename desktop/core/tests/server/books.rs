//! 日结 and 订单历史 through the core, against the real server: two orders paid online, one dish
//! given back at the counter (退菜 through the core), then the day read, searched and saved as
//! CSV — the figures the window shows are the server's, and they add up to the fen.

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::books::day_csv_name;
use orderbell_shared::bills::{PayMethod, ReturnRequest};
use orderbell_shared::reports::HistoryQuery;
use orderbell_shared::{Money, OrderStatus};
use orderbell_tests::{PATIENCE, TestServer};

use crate::App;
use crate::floor::yuan;

/// The demo store keeps China's time.
const STORE_OFFSET_SECS: i32 = 8 * 3600;

/// An order of `dishes` at `table`, paid online and landed; its id and when it was paid.
async fn paid_order(server: &TestServer, table: i64, dishes: &[(i64, u32)]) -> (i64, i64) {
    let order = server.order(table, dishes).await;
    server.pay(&order).await;
    let landed = async {
        loop {
            let now = server.fetch_order(&order).await;
            if let (OrderStatus::Paid, Some(at)) = (now.status, now.paid_at) {
                return at;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    let at = tokio::time::timeout(PATIENCE, landed).await.expect("the payment lands");
    (order.order.order_id, at)
}

/// The store-local day of an instant, as the books name days.
pub fn store_day(ms: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(STORE_OFFSET_SECS).expect("a valid offset");
    let at = chrono::DateTime::from_timestamp_millis(ms).expect("a valid instant");
    at.with_timezone(&offset).format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn the_counter_reads_the_day_searches_the_history_and_saves_the_csv() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let (floor, books) = (app.desk.floor(), app.desk.books());

    // A01: 宫保鸡丁×2 + 酸梅汤 = 84.50. A02: 鱼香肉丝 + 酸梅汤×2 = 49.00, one drink given back.
    let (_, paid_at) = paid_order(&server, 1, &[(1001, 2), (1011, 1)]).await;
    let (b, _) = paid_order(&server, 2, &[(1002, 1), (1011, 2)]).await;
    let back = ReturnRequest {
        line: 1,
        quantity: 1,
        reason: "多点了一杯".into(),
    };
    let after = floor
        .return_items(b, &back)
        .await
        .expect("the counter gives a drink back");
    assert_eq!(after.total_amount, yuan(4050));
    assert_eq!(after.items[1].returned_quantity, 1);
    let too_many = ReturnRequest { quantity: 5, ..back };
    let refused = ActionError::from(
        floor
            .return_items(b, &too_many)
            .await
            .expect_err("only one drink is left"),
    );
    assert_eq!(refused.code, "return_too_many");
    assert!(
        refused.message.contains('1'),
        "the message says how many are left: {}",
        refused.message
    );

    let date = store_day(paid_at);
    let day = books.day(&date).await.expect("the owner reads the day");
    assert_eq!(day.date, date);
    assert_eq!(day.orders, 2);
    assert_eq!(day.sales, yuan(8450 + 4050));
    assert_eq!(day.received, day.sales, "all of it paid online");
    let methods: Vec<_> = day.by_method.iter().map(|m| (m.method, m.count, m.amount)).collect();
    assert_eq!(methods, [(PayMethod::Online, 2, yuan(12500))]);
    assert_eq!(
        (day.refunds, day.refund_count),
        (yuan(850), 1),
        "the drink was paid for"
    );
    assert_eq!(day.hours.len(), 24, "the chart has every hour");
    let by_hour: Money = day.hours.iter().map(|h| h.amount).sum();
    assert_eq!(by_hour, day.sales, "the bars add up to the day");
    let dishes: Vec<_> = day.top_dishes.iter().map(|d| (d.name.as_str(), d.quantity)).collect();
    assert!(
        dishes.contains(&("宫保鸡丁", 2)) && dishes.contains(&("酸梅汤", 2)),
        "{dishes:?}"
    );

    let everything = HistoryQuery {
        from: date.clone(),
        to: date.clone(),
        ..HistoryQuery::default()
    };
    let page = books.history(&everything).await.expect("the history");
    assert_eq!((page.total_count, page.total_amount), (2, day.sales));
    assert!(page.orders.iter().all(|h| h.method == Some(PayMethod::Online)));
    let a02 = HistoryQuery {
        table: Some("A02".into()),
        method: Some(PayMethod::Online),
        status: Some(OrderStatus::Paid),
        ..everything.clone()
    };
    let found = books.history(&a02).await.expect("searched by table, method and status");
    assert_eq!(found.orders.len(), 1);
    assert_eq!(found.orders[0].order.order_id, b);
    let second = HistoryQuery {
        limit: Some(1),
        offset: Some(1),
        ..everything.clone()
    };
    let paged = books.history(&second).await.expect("the second page");
    assert_eq!(
        (paged.orders.len(), paged.total_count),
        (1, 2),
        "one a page, two in all"
    );
    let cash = HistoryQuery {
        method: Some(PayMethod::Cash),
        ..everything
    };
    assert_eq!(books.history(&cash).await.expect("none in cash").total_count, 0);

    let csv = books.day_csv(&date).await.expect("the CSV");
    let text = String::from_utf8(csv).expect("UTF-8");
    assert!(text.starts_with('\u{feff}'), "a byte-order mark, for Excel and WPS");
    assert!(text.contains("营业额") && text.contains("125.00"), "{text}");
    assert_eq!(day_csv_name(&date), format!("点单铃-日结-{date}.csv"));
    assert_eq!(day_csv_name("../../x"), "点单铃-日结-.csv", "never a path");

    let bad = ActionError::from(books.day("2026-13-45").await.expect_err("no such day"));
    assert_eq!(bad.code, "invalid_date");
    assert!(bad.message.starts_with("日期格式应为 YYYY-MM-DD"), "{}", bad.message);
}
