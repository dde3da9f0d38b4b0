//! 日结 in 先付后吃: orders paid on one day and the next, 退菜, a rejected and a cancelled order.
//! The summary reconciles to the fen with the history listing and with its own CSV.

use orderbell_shared::bills::PayMethod;
use orderbell_shared::reports::{DaySummary, HistoryPage};
use orderbell_shared::{Money, OrderStatus};
use orderbell_tests::TestServer;
use serde_json::json;

use super::{get_json, later, local_date, next_local_day_at, now, refused, returned};

fn fen(cents: i64) -> Money {
    Money::from_cents(cents)
}

async fn history(server: &TestServer, query: String) -> HistoryPage {
    let path = format!("/api/stores/1/orders/history?{query}");
    get_json(server, &path, &server.merchant).await
}

/// The listed orders' money that was taken: settled, and not cancelled or rejected.
fn counted(page: &HistoryPage) -> Money {
    page.orders
        .iter()
        .filter(|h| h.method.is_some())
        .filter(|h| !matches!(h.order.status, OrderStatus::Cancelled | OrderStatus::Rejected))
        .map(|h| h.order.total_amount)
        .sum()
}

#[tokio::test]
async fn a_day_of_paid_orders_reconciles_with_the_history_and_the_csv() {
    let server = TestServer::start().await;
    next_local_day_at(&server, 10, 5);
    let day1 = local_date(now(&server));
    // 10:05 at A01: 宫保鸡丁×2 + 酸梅汤 = 84.50.
    let a = server.paid(1, &[(1001, 2), (1011, 1)]).await;
    later(&server, 120);
    // 12:05 at A02: 鱼香肉丝 + 酸梅汤×2, one drink given back: 40.50, 8.50 refund due.
    let b = server.paid(2, &[(1002, 1), (1011, 2)]).await;
    let b_after = returned(&server, b.order.order_id, 1, 1, "多点了一杯").await;
    assert_eq!(b_after.total_amount, fen(4050));
    later(&server, 60);
    // 13:05: one paid and rejected, one never paid and cancelled, one wholly given back.
    let c = server.paid(3, &[(1001, 1)]).await;
    let rejected = server
        .post(
            &format!("/api/orders/{}/reject", c.order.order_id),
            &server.merchant,
            json!({"reason": "宫保鸡丁卖完了"}),
        )
        .await;
    assert_eq!(rejected.status(), 200);
    let d = server.order(4, &[(1002, 1)]).await;
    let cancelled = server
        .post_empty(&format!("/api/orders/{}/cancel", d.order.order_id), &d.token)
        .await;
    assert_eq!(cancelled.status(), 200);
    let e = server.paid(5, &[(1011, 1)]).await;
    returned(&server, e.order.order_id, 0, 1, "客人不要了").await;
    // 09:30 the next day at A06: 宫保鸡丁 = 38.00.
    next_local_day_at(&server, 9, 30);
    let day2 = local_date(now(&server));
    let f = server.paid(6, &[(1001, 1)]).await;

    let summary: DaySummary = get_json(
        &server,
        &format!("/api/stores/1/reports/day?date={day1}"),
        &server.merchant,
    )
    .await;
    assert_eq!(
        (summary.date.as_str(), summary.utc_offset_minutes),
        (day1.as_str(), 480)
    );
    assert_eq!(summary.orders, 2, "A and B; rejected and cancelled orders sold nothing");
    assert_eq!(summary.sales, fen(8450 + 4050));
    assert_eq!(summary.by_method.len(), 1);
    let online = &summary.by_method[0];
    assert_eq!(
        (online.method, online.label.as_str(), online.count, online.amount),
        (PayMethod::Online, "在线支付", 2, summary.sales)
    );
    assert_eq!((summary.received, summary.discounts), (summary.sales, Money::ZERO));
    assert_eq!(
        (summary.refunds, summary.refund_count),
        (fen(850 + 850 + 3800), 3),
        "B's drink, E, and C's payment given back when it was rejected"
    );
    assert_eq!((summary.bills, summary.covers), (2, 2));
    assert_eq!(summary.average_ticket, fen(6250));
    let top: Vec<(&str, u32, Money)> = summary
        .top_dishes
        .iter()
        .map(|d| (d.name.as_str(), d.quantity, d.amount))
        .collect();
    assert_eq!(
        top,
        vec![
            ("宫保鸡丁", 2, fen(7600)),
            ("酸梅汤", 2, fen(1700)),
            ("鱼香肉丝", 1, fen(3200))
        ],
        "by quantity, then amount; returned portions left out"
    );
    let busy: Vec<(u8, u32, Money)> = summary
        .hours
        .iter()
        .filter(|h| h.orders > 0)
        .map(|h| (h.hour, h.orders, h.amount))
        .collect();
    assert_eq!(busy, vec![(10, 1, fen(8450)), (12, 1, fen(4050))]);
    assert_eq!(summary.hours.len(), 24);

    // The history of the same day lists every order of it; its money is the day's sales.
    let page = history(&server, format!("from={day1}&to={day1}")).await;
    let mut listed: Vec<i64> = page.orders.iter().map(|h| h.order.order_id).collect();
    listed.sort_unstable();
    let ids = [&a, &b, &c, &d, &e].map(|o| o.order.order_id);
    assert_eq!(listed, ids.to_vec(), "A to E, not F");
    assert_eq!(page.total_count, 5);
    assert_eq!(page.total_amount, summary.sales);
    assert_eq!(
        counted(&page),
        summary.sales,
        "the listed orders add up to the day's sales"
    );
    let d_listed = page
        .orders
        .iter()
        .find(|h| h.order.order_id == d.order.order_id)
        .expect("D");
    assert_eq!((d_listed.method, d_listed.settled_at), (None, None), "never paid");
    let a_listed = page
        .orders
        .iter()
        .find(|h| h.order.order_id == a.order.order_id)
        .expect("A");
    assert_eq!(a_listed.method, Some(PayMethod::Online));
    assert_eq!(a_listed.settled_at, a_listed.order.paid_at);

    // Pages of two: the same orders, the same totals on each page.
    let mut paged = Vec::new();
    for offset in [0, 2, 4] {
        let part = history(&server, format!("from={day1}&to={day1}&limit=2&offset={offset}")).await;
        assert_eq!((part.total_count, part.total_amount), (5, summary.sales));
        paged.extend(part.orders.into_iter().map(|h| h.order.order_id));
    }
    paged.sort_unstable();
    assert_eq!(paged, ids.to_vec());
    // Filters: by table, by status, by method.
    let at_a02 = history(&server, format!("from={day1}&to={day1}&table=A02")).await;
    assert_eq!((at_a02.total_count, at_a02.total_amount), (1, fen(4050)));
    let rejected = history(&server, format!("from={day1}&to={day1}&status=rejected")).await;
    assert_eq!(rejected.orders.len(), 1);
    assert_eq!(rejected.orders[0].order.order_id, c.order.order_id);
    assert_eq!(
        rejected.total_amount,
        Money::ZERO,
        "a rejected order's money is not the store's"
    );
    let paid_online = history(&server, format!("from={day1}&to={day1}&method=online")).await;
    assert_eq!(
        paid_online.total_count, 4,
        "A, B, C and E were paid online; D never was"
    );
    // Two days: F joins, on the day it was paid.
    let both = history(&server, format!("from={day1}&to={day2}")).await;
    assert_eq!((both.total_count, both.total_amount), (6, fen(8450 + 4050 + 3800)));
    let next: DaySummary = get_json(
        &server,
        &format!("/api/stores/1/reports/day?date={day2}"),
        &server.merchant,
    )
    .await;
    assert_eq!((next.orders, next.sales, next.refund_count), (1, fen(3800), 0));
    assert_eq!(next.hours[9].orders, 1, "F at 09:30");
    assert_eq!(f.order.total_amount, fen(3800));

    // The CSV says the same, in a form a spreadsheet opens.
    let response = server
        .get(&format!("/api/stores/1/reports/day.csv?date={day1}"), &server.merchant)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = response.bytes().await.expect("the CSV");
    let text = std::str::from_utf8(&bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark, for Excel");
    assert!(text.contains("\r\n\r\n"), "a blank line before the totals");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "时间",
            "订单号",
            "桌号",
            "轮次",
            "状态",
            "菜品",
            "金额",
            "结算方式",
            "结算时间"
        ]
    );
    let orders: Vec<&Vec<String>> = rows[1..].iter().filter(|r| r.len() == 9).collect();
    assert_eq!(orders.len(), 2, "one row per order sold");
    assert_eq!(
        orders[1][..3],
        [format!("{day1} 12:05"), b.order.order_no.clone(), "A02".to_owned()]
    );
    assert_eq!(orders[1][5], "鱼香肉丝×1、酸梅汤×1", "what is left after 退菜");
    assert_eq!((orders[1][6].as_str(), orders[1][7].as_str()), ("40.50", "在线支付"));
    let csv_sales: Money = orders.iter().map(|r| r[6].parse::<Money>().expect("an amount")).sum();
    assert_eq!(csv_sales, summary.sales, "the rows add up to 营业额");
    let totals: std::collections::HashMap<&str, &str> = rows
        .iter()
        .filter(|r| r.len() == 2)
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    for (label, value) in [
        ("营业额", "125.00"),
        ("在线支付", "125.00"),
        ("实收", "125.00"),
        ("优惠/挂账/未结", "0.00"),
        ("退款", "55.00"),
        ("单数", "2"),
        ("人数", "2"),
        ("客单价", "62.50"),
    ] {
        assert_eq!(totals.get(label), Some(&value), "{label}");
    }
}

#[tokio::test]
async fn bad_dates_and_ranges_are_refused_and_the_books_are_the_staffs() {
    let server = TestServer::start().await;
    let day = async |query: &str| {
        server
            .get(&format!("/api/stores/1/reports/day?{query}"), &server.merchant)
            .await
    };
    let bad = refused(day("date=2026-02-30").await, 400, "invalid_date").await;
    assert!(bad.message.contains("YYYY-MM-DD"), "{}", bad.message);
    refused(day("date=3月8日").await, 400, "invalid_date").await;
    refused(
        server
            .get("/api/stores/1/reports/day.csv?date=2026/03/08", &server.merchant)
            .await,
        400,
        "invalid_date",
    )
    .await;
    let history = async |query: &str| {
        let path = format!("/api/stores/1/orders/history?{query}");
        server.get(&path, &server.merchant).await
    };
    refused(history("from=2026-03-09&to=2026-03-08").await, 400, "invalid_range").await;
    refused(history("from=2026-01-01&to=2026-04-03").await, 400, "invalid_range").await;
    let quarter = history("from=2026-01-01&to=2026-04-02").await;
    assert_eq!(quarter.status(), 200, "92 days are allowed");
    // The kitchen does not read the books; another store's owner sees nothing of them.
    refused(
        server
            .get("/api/stores/1/reports/day?date=2026-03-08", &server.kitchen)
            .await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        server.get("/api/stores/1/orders/history", &server.other_merchant).await,
        403,
        "forbidden",
    )
    .await;
}
