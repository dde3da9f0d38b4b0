//! The books as pure rules: which instants make a store-local day, and what a day's settled
//! orders add up to. Money is added in fen, exactly; instants are milliseconds, passed in.

use std::collections::{BTreeMap, HashMap};

use orderbell_shared::Money;
use orderbell_shared::bills::PayMethod;
use orderbell_shared::order::OrderStatus;
use orderbell_shared::reports::{DaySummary, DishTotal, HourTotal, MethodTotal};

use crate::domain::reports::{BookedOrder, RefundDue, StatusTotal};
use crate::error::{Error, Result};

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;
/// A quarter and a day: the longest history asked for at once.
pub const MAX_RANGE_DAYS: i64 = 92;
pub const TOP_DISHES: usize = 10;

/// Instants `[start, end)`, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: i64,
    pub end: i64,
}

/// The `n`th day since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<i64> {
    let invalid = || Error::bad_request("invalid_date", "日期格式应为 YYYY-MM-DD，例如 2026-03-08");
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return Err(invalid());
    }
    let number = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i64>().ok());
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return Err(invalid());
    };
    if year < 1970 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(invalid());
    }
    Ok(days_from_civil(year, month, day))
}

/// The `YYYY-MM-DD` of the `n`th day since 1970-01-01.
pub fn date_text(day: i64) -> String {
    let (year, month, day) = civil_from_days(day);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The instants of a store-local day: from its local midnight to the next.
pub fn day_span(day: i64, utc_offset_minutes: i32) -> Span {
    let start = day * DAY_MS - i64::from(utc_offset_minutes) * MINUTE_MS;
    Span {
        start,
        end: start + DAY_MS,
    }
}

/// The instants of the local days `from` to `to`, both included.
pub fn range_span(from: &str, to: &str, utc_offset_minutes: i32) -> Result<Span> {
    let (first, last) = (parse_date(from)?, parse_date(to)?);
    if first > last {
        return Err(Error::bad_request(
            "invalid_range",
            "开始日期不能晚于结束日期，请调换后再查",
        ));
    }
    if last - first + 1 > MAX_RANGE_DAYS {
        return Err(Error::bad_request(
            "invalid_range",
            format!("一次最多查 {MAX_RANGE_DAYS} 天，请缩小日期范围"),
        ));
    }
    Ok(Span {
        start: day_span(first, utc_offset_minutes).start,
        end: day_span(last, utc_offset_minutes).end,
    })
}

/// `YYYY-MM-DD HH:MM` of an instant, in the store's time.
pub fn local_text(at: i64, utc_offset_minutes: i32) -> String {
    let local = at + i64::from(utc_offset_minutes) * MINUTE_MS;
    let minutes = local.rem_euclid(DAY_MS) / MINUTE_MS;
    format!(
        "{} {:02}:{:02}",
        date_text(local.div_euclid(DAY_MS)),
        minutes / 60,
        minutes % 60
    )
}

/// The store-local hour (0–23) of an instant.
pub fn local_hour(at: i64, utc_offset_minutes: i32) -> u8 {
    let local = at + i64::from(utc_offset_minutes) * MINUTE_MS;
    u8::try_from(local.rem_euclid(DAY_MS) / HOUR_MS).unwrap_or(0)
}

/// Whether an order's total is money of the store: cancelled and rejected orders' is not (never
/// taken, or owed back), nor an order's still waiting to be paid.
pub fn counts(status: OrderStatus) -> bool {
    !matches!(
        status,
        OrderStatus::PendingPayment | OrderStatus::Cancelled | OrderStatus::Rejected
    )
}

/// The orders of a day's summary: settled, and counting. In the order given.
pub fn sold(orders: &[BookedOrder]) -> impl Iterator<Item = (&BookedOrder, PayMethod)> {
    orders
        .iter()
        .filter(|b| counts(b.order.status))
        .filter_map(|b| b.method.map(|m| (b, m)))
}

/// A history's totals over all its pages: every order counted, the money of those sold (as a
/// day's summary adds them), so a day's history adds up to its 营业额.
pub fn history_totals(totals: &[StatusTotal]) -> (u64, Money) {
    let count = totals.iter().map(|t| t.count).sum();
    let amount = totals
        .iter()
        .filter(|t| t.settled && counts(t.status))
        .map(|t| t.amount)
        .sum();
    (count, amount)
}

/// What the day's books say: `orders` are those booked that day (settled ones are sold),
/// `refunds` those that became due that day.
pub fn summarize(
    store_id: i64,
    day: i64,
    utc_offset_minutes: i32,
    orders: &[BookedOrder],
    refunds: &[RefundDue],
) -> DaySummary {
    let mut by_method: BTreeMap<usize, MethodTotal> = BTreeMap::new();
    let mut dishes: HashMap<i64, DishTotal> = HashMap::new();
    let mut hours: Vec<HourTotal> = (0..24)
        .map(|hour| HourTotal {
            hour,
            orders: 0,
            amount: Money::ZERO,
        })
        .collect();
    // A party is its bill; an order without one is a party of one.
    let mut parties: HashMap<i64, u32> = HashMap::new();
    let (mut lone, mut count, mut sales) = (0u32, 0u32, 0i64);
    for (booked, method) in sold(orders) {
        let order = &booked.order;
        count += 1;
        sales += order.total_amount.cents();
        let rank = PayMethod::ALL.iter().position(|m| *m == method).unwrap_or(usize::MAX);
        let total = by_method.entry(rank).or_insert_with(|| MethodTotal {
            method,
            label: method.label().to_owned(),
            count: 0,
            amount: Money::ZERO,
        });
        total.count += 1;
        total.amount = total.amount + order.total_amount;
        match order.bill_id {
            Some(bill) => {
                parties.insert(bill, booked.diners.max(1));
            }
            None => lone += 1,
        }
        if let Some(hour) = hours.get_mut(usize::from(local_hour(order.created_at, utc_offset_minutes))) {
            hour.orders += 1;
            hour.amount = hour.amount + order.total_amount;
        }
        for item in &order.items {
            let quantity = item.quantity.saturating_sub(item.returned_quantity);
            if quantity == 0 {
                continue;
            }
            let dish = dishes.entry(item.cuisine_id).or_insert_with(|| DishTotal {
                cuisine_id: item.cuisine_id,
                name: item.cuisine_name.clone(),
                quantity: 0,
                amount: Money::ZERO,
            });
            dish.quantity += quantity;
            dish.amount = dish.amount + item.subtotal_amount;
        }
    }
    let by_method: Vec<MethodTotal> = by_method.into_values().collect();
    let received = by_method
        .iter()
        .filter(|m| m.method.is_received())
        .map(|m| m.amount)
        .sum();
    let discounts = by_method
        .iter()
        .filter(|m| !m.method.is_received())
        .map(|m| m.amount)
        .sum();
    let bills = u32::try_from(parties.len()).unwrap_or(u32::MAX) + lone;
    let covers = parties.values().sum::<u32>() + lone;
    let mut top: Vec<DishTotal> = dishes.into_values().collect();
    top.sort_by(|a, b| {
        b.quantity
            .cmp(&a.quantity)
            .then(b.amount.cmp(&a.amount))
            .then(a.cuisine_id.cmp(&b.cuisine_id))
    });
    top.truncate(TOP_DISHES);
    DaySummary {
        store_id,
        date: date_text(day),
        utc_offset_minutes,
        orders: count,
        bills,
        covers,
        sales: Money::from_cents(sales),
        received,
        by_method,
        discounts,
        refunds: refunds.iter().map(|r| r.amount).sum(),
        refund_count: u32::try_from(refunds.len()).unwrap_or(u32::MAX),
        average_ticket: Money::from_cents(rounded_share(sales, bills)),
        top_dishes: top,
        hours,
    }
}

/// `total / parts`, to the nearest fen (halves away from zero); 0 for no parts.
fn rounded_share(total: i64, parts: u32) -> i64 {
    let parts = i64::from(parts);
    if parts == 0 {
        return 0;
    }
    let doubled = 2 * total.abs() + parts;
    total.signum() * (doubled / (2 * parts))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's civil-calendar algorithms (days since 1970-01-01, proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use orderbell_shared::{CuisineType, OrderDTO, OrderItemDTO};

    use super::*;

    const CHINA: i32 = 480;

    #[test]
    fn dates_are_read_strictly_and_written_back_the_same() {
        for text in ["1970-01-01", "2024-02-29", "2026-12-31", "2000-02-29"] {
            assert_eq!(date_text(parse_date(text).expect(text)), text);
        }
        assert_eq!(parse_date("1970-01-02").ok(), Some(1));
        for bad in [
            "2026-2-01",
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "20260101",
            "2026-01-01 ",
            "",
            "１２３４-01-01",
        ] {
            let error = parse_date(bad).expect_err(bad);
            assert_eq!(
                (error.status().as_u16(), error.code()),
                (400, "invalid_date"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_day_runs_from_local_midnight_to_the_next() {
        let day = parse_date("2026-03-08").expect("a date");
        let span = day_span(day, CHINA);
        assert_eq!(local_text(span.start, CHINA), "2026-03-08 00:00");
        assert_eq!(local_text(span.end - 1, CHINA), "2026-03-08 23:59");
        assert_eq!(
            local_text(span.start, 0),
            "2026-03-07 16:00",
            "Beijing's midnight is 16:00 UTC"
        );
        assert_eq!(
            (local_hour(span.start, CHINA), local_hour(span.end - 1, CHINA)),
            (0, 23)
        );
        assert_eq!(
            day_span(day, -300).start - span.start,
            13 * HOUR_MS,
            "New York's day starts 13 hours later"
        );
    }

    #[test]
    fn a_range_is_both_days_inclusive_and_at_most_92_days() {
        let span = range_span("2026-03-01", "2026-03-02", CHINA).expect("two days");
        assert_eq!(span.end - span.start, 2 * DAY_MS);
        let error = range_span("2026-03-02", "2026-03-01", CHINA).expect_err("backwards");
        assert_eq!(error.code(), "invalid_range");
        assert!(range_span("2026-01-01", "2026-04-02", CHINA).is_ok(), "92 days");
        let error = range_span("2026-01-01", "2026-04-03", CHINA).expect_err("93 days");
        assert_eq!((error.status().as_u16(), error.code()), (400, "invalid_range"));
        assert_eq!(
            range_span("2026-1-1", "2026-01-02", CHINA).expect_err("bad").code(),
            "invalid_date"
        );
    }

    fn line(dish: i64, name: &str, unit_cents: i64, quantity: u32, returned: u32) -> OrderItemDTO {
        let unit_price = Money::from_cents(unit_cents);
        OrderItemDTO {
            cuisine_id: dish,
            cuisine_name: name.into(),
            cuisine_type: CuisineType::Single,
            unit_price,
            quantity,
            subtotal_amount: unit_price * (quantity - returned),
            remark: None,
            add_user_id: None,
            returned_quantity: returned,
        }
    }

    /// A round of `bill` (or a lone order), created at `created`, settled by `method`.
    fn booked(
        id: i64,
        bill: Option<i64>,
        diners: u32,
        status: OrderStatus,
        created: i64,
        method: Option<PayMethod>,
        items: Vec<OrderItemDTO>,
    ) -> BookedOrder {
        let total = items.iter().map(|i| i.subtotal_amount).sum();
        BookedOrder {
            order: OrderDTO {
                order_id: id,
                order_no: format!("OB{id:08}"),
                store_id: 1,
                table_id: 1,
                table_number: "A01".into(),
                status,
                total_quantity: items.iter().map(|i| i.quantity).sum(),
                items,
                total_amount: total,
                created_at: created,
                paid_at: None,
                accepted_at: None,
                ready_at: None,
                finished_at: None,
                reject_reason: None,
                reminder_count: 0,
                last_reminder_at: None,
                bill_id: bill,
                round: bill.map(|_| 1),
            },
            method,
            settled_at: method.map(|_| created + HOUR_MS),
            diners,
        }
    }

    #[test]
    fn a_pay_later_evening_adds_up_to_the_fen_by_method() {
        let day = parse_date("2026-03-08").expect("a date");
        let evening = day_span(day, CHINA).start + 18 * HOUR_MS;
        use OrderStatus::*;
        use PayMethod::*;
        let orders = vec![
            // Table 1: two rounds settled in cash, three phones.
            booked(
                1,
                Some(10),
                3,
                Completed,
                evening,
                Some(Cash),
                vec![line(1001, "宫保鸡丁", 3800, 2, 0)],
            ),
            booked(
                2,
                Some(10),
                3,
                Completed,
                evening + 600_000,
                Some(Cash),
                vec![line(1011, "米饭", 201, 3, 1)],
            ),
            // Table 2: by 收款码, nobody joined with a phone that stayed (counts as one).
            booked(
                3,
                Some(11),
                0,
                Ready,
                evening + HOUR_MS,
                Some(StoreQr),
                vec![line(1001, "宫保鸡丁", 3800, 1, 0)],
            ),
            // Table 3: a rejected round on a bill put on account: the round is not sold.
            booked(
                4,
                Some(12),
                2,
                Rejected,
                evening,
                Some(Credit),
                vec![line(1002, "鱼香肉丝", 3200, 1, 0)],
            ),
            booked(
                5,
                Some(12),
                2,
                Accepted,
                evening,
                Some(Credit),
                vec![line(1002, "鱼香肉丝", 3200, 1, 0)],
            ),
            // Table 4: closed owing money.
            booked(
                6,
                Some(13),
                1,
                Completed,
                evening,
                Some(Unpaid),
                vec![line(1011, "米饭", 201, 1, 0)],
            ),
            // 先付后吃, online, no bill.
            booked(
                7,
                None,
                0,
                Completed,
                evening + 2 * HOUR_MS,
                Some(Online),
                vec![line(1011, "米饭", 201, 1, 0)],
            ),
            // Still eating: booked today by creation, not sold.
            booked(
                8,
                Some(14),
                2,
                Submitted,
                evening,
                None,
                vec![line(1001, "宫保鸡丁", 3800, 5, 0)],
            ),
            // A fully returned round: cancelled, nothing sold.
            booked(
                9,
                Some(10),
                3,
                Cancelled,
                evening,
                Some(Cash),
                vec![line(1001, "宫保鸡丁", 3800, 1, 1)],
            ),
        ];
        let refunds = [RefundDue {
            amount: Money::from_cents(201),
            at: evening,
        }];
        let s = summarize(1, day, CHINA, &orders, &refunds);
        assert_eq!(s.date, "2026-03-08");
        assert_eq!(s.orders, 6, "orders 1, 2, 3, 5, 6, 7");
        let sales = 7600 + 402 + 3800 + 3200 + 201 + 201;
        assert_eq!(s.sales, Money::from_cents(sales));
        let methods: Vec<(PayMethod, u32, i64)> = s
            .by_method
            .iter()
            .map(|m| (m.method, m.count, m.amount.cents()))
            .collect();
        assert_eq!(
            methods,
            vec![
                (Cash, 2, 8002),
                (StoreQr, 1, 3800),
                (Online, 1, 201),
                (Credit, 1, 3200),
                (Unpaid, 1, 201)
            ],
            "every method used, in PayMethod order"
        );
        assert_eq!(
            s.by_method.iter().map(|m| m.amount).sum::<Money>(),
            s.sales,
            "methods add up to sales"
        );
        assert_eq!(s.received, Money::from_cents(8002 + 3800 + 201));
        assert_eq!(s.discounts, Money::from_cents(3200 + 201));
        assert_eq!(s.received + s.discounts, s.sales);
        assert_eq!(s.by_method[0].label, "现金");
        assert_eq!(
            (s.bills, s.covers),
            (5, 3 + 1 + 2 + 1 + 1),
            "four bills and one lone order"
        );
        assert_eq!(
            s.average_ticket,
            Money::from_cents(3081),
            "15404 / 5 = 3080.8, to the fen"
        );
        assert_eq!((s.refunds, s.refund_count), (Money::from_cents(201), 1));
        let top: Vec<(&str, u32, i64)> = s
            .top_dishes
            .iter()
            .map(|d| (d.name.as_str(), d.quantity, d.amount.cents()))
            .collect();
        assert_eq!(
            top,
            vec![("米饭", 4, 804), ("宫保鸡丁", 3, 11400), ("鱼香肉丝", 1, 3200)],
            "by quantity; returned portions and unsold rounds left out"
        );
        assert_eq!(s.hours.len(), 24);
        let busy: Vec<(u8, u32, i64)> = s
            .hours
            .iter()
            .filter(|h| h.orders > 0)
            .map(|h| (h.hour, h.orders, h.amount.cents()))
            .collect();
        assert_eq!(
            busy,
            vec![(18, 4, 7600 + 402 + 3200 + 201), (19, 1, 3800), (20, 1, 201)]
        );
        assert_eq!(s.hours.iter().map(|h| h.amount).sum::<Money>(), s.sales);
    }

    #[test]
    fn an_empty_day_has_every_hour_and_no_average() {
        let s = summarize(1, 0, CHINA, &[], &[]);
        assert_eq!(
            (s.orders, s.bills, s.sales, s.average_ticket),
            (0, 0, Money::ZERO, Money::ZERO)
        );
        assert!(s.by_method.is_empty() && s.top_dishes.is_empty());
        assert_eq!(
            s.hours.iter().map(|h| h.hour).collect::<Vec<_>>(),
            (0..24).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_history_counts_every_order_but_only_the_money_sold() {
        let total = |status, settled, count, cents| StatusTotal {
            status,
            settled,
            count,
            amount: Money::from_cents(cents),
        };
        let totals = [
            total(OrderStatus::Completed, true, 3, 9000),
            total(OrderStatus::Rejected, true, 1, 3800),
            total(OrderStatus::Submitted, false, 2, 5000),
            total(OrderStatus::Cancelled, false, 1, 850),
        ];
        assert_eq!(history_totals(&totals), (7, Money::from_cents(9000)));
    }

    #[test]
    fn averages_round_half_away_from_zero() {
        assert_eq!(rounded_share(10, 4), 3, "2.5 rounds up");
        assert_eq!(rounded_share(9, 4), 2, "2.25 rounds down");
        assert_eq!(rounded_share(0, 3), 0);
        assert_eq!(rounded_share(5, 0), 0);
    }
}
