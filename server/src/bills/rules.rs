//! The bill's rules, pure: what it comes to, what is owed, how the table stands, and whether a
//! settlement or a 清台 may go ahead.

use orderbell_shared::bills::{BillDTO, BillStatus, PayMethod, SettleRequest, TableState};
use orderbell_shared::{Money, OrderDTO, OrderStatus};

use crate::carts::rules::MAX_QUANTITY;
use crate::domain::carts::LineState;
use crate::error::{Error, Result};

/// The bill's money: `total` of the counted rounds, what of it was `paid` online order by order
/// (先付后吃), and what is `owed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sums {
    pub total: Money,
    pub paid: Money,
    pub owed: Money,
}

/// A round counts unless it is still unpaid (先付后吃), cancelled or rejected.
pub fn counts(round: &OrderDTO) -> bool {
    !matches!(
        round.status,
        OrderStatus::PendingPayment | OrderStatus::Cancelled | OrderStatus::Rejected
    )
}

pub fn sums(status: BillStatus, rounds: &[OrderDTO]) -> Sums {
    let counted = || rounds.iter().filter(|r| counts(r));
    let total: Money = counted().map(|r| r.total_amount).sum();
    let paid: Money = counted().filter(|r| r.paid_at.is_some()).map(|r| r.total_amount).sum();
    let owed = if status == BillStatus::Open {
        Money::from_cents((total.cents() - paid.cents()).max(0))
    } else {
        Money::ZERO
    };
    Sums { total, paid, owed }
}

/// Served: the kitchen is done with the round.
fn served(round: &OrderDTO) -> bool {
    matches!(round.status, OrderStatus::Ready | OrderStatus::Completed)
}

/// How many counted rounds are not yet served.
pub fn unserved(rounds: &[OrderDTO]) -> usize {
    rounds.iter().filter(|r| counts(r) && !served(r)).count()
}

/// How long a bill may see nothing new before the next phone to join starts a fresh one, if
/// nothing is owed and nothing is still being made.
pub const IDLE_MS: i64 = 4 * 60 * 60 * 1000;

/// Whether the party of an open bill is clearly gone. 先付后吃 pays order by order and nobody has
/// to close the table, so without this one bill would take every order the table ever had.
pub fn abandoned(bill: &BillDTO, now: i64) -> bool {
    let last = bill.rounds.iter().map(|r| r.created_at).fold(bill.opened_at, i64::max);
    let making = bill
        .rounds
        .iter()
        .any(|r| r.status == OrderStatus::PendingPayment || (counts(r) && !served(r)));
    bill.status == BillStatus::Open && bill.owed.cents() == 0 && !making && now - last > IDLE_MS
}

/// Where a table with this open bill (or none) stands on the map.
pub fn table_state(open: Option<(&[OrderDTO], Money)>) -> TableState {
    let Some((rounds, owed)) = open else {
        return TableState::Free;
    };
    if !rounds.iter().any(counts) {
        TableState::Ordering
    } else if unserved(rounds) == 0 && owed.cents() > 0 {
        TableState::ToPay
    } else {
        TableState::Eating
    }
}

/// How a diner is named on the bill: 「尾号1234」 from a phone number, else 「食客N」 by when
/// they joined (`position` from 0).
pub fn diner_label(phone: Option<&str>, position: usize) -> String {
    let digits: Vec<char> = phone.unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 4 {
        format!("尾号{}", digits[digits.len() - 4..].iter().collect::<String>())
    } else {
        format!("食客{}", position + 1)
    }
}

/// A 400 with a stable code: the request cannot be right whatever the bill says.
pub fn bad(code: &'static str, message: impl Into<String>) -> Error {
    Error::BadRequest {
        status: axum::http::StatusCode::BAD_REQUEST,
        code,
        message: message.into(),
    }
}

fn conflict(code: &'static str, message: impl Into<String>) -> Error {
    Error::Conflict {
        code,
        message: message.into(),
        current: None,
    }
}

pub fn not_open(status: BillStatus) -> Error {
    let what = match status {
        BillStatus::Open => "未结",
        BillStatus::Settled => "已结账",
        BillStatus::Closed => "已清台",
        BillStatus::Merged => "已并台",
    };
    conflict(
        "bill_not_open",
        format!("这张账单{what}，不能再结账或改动：请刷新桌台查看"),
    )
}

/// A reason for 挂账, 免单 or 清台 with money owed: 1–50 characters once trimmed.
pub fn reason(reason: Option<&str>, why: &str) -> Result<String> {
    match reason.map(str::trim) {
        Some(r) if (1..=50).contains(&r.chars().count()) => Ok(r.to_owned()),
        _ => Err(bad("reason_required", format!("{why}需要填写原因（1 到 50 个字）"))),
    }
}

/// What a settlement takes in: the change to give (cash) and the reason (挂账/免单), once the
/// request fits the bill. Checked in this order: the bill is open, the request is well formed,
/// the counter saw the bill as it is, and there is something to pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taking {
    pub received: Option<Money>,
    pub change: Option<Money>,
    pub reason: Option<String>,
}

pub fn check_settle(status: BillStatus, owed: Money, req: &SettleRequest) -> Result<Taking> {
    if status != BillStatus::Open {
        return Err(not_open(status));
    }
    if matches!(req.method, PayMethod::Online | PayMethod::Unpaid) {
        return Err(bad(
            "invalid_method",
            "在线支付由顾客在手机上完成，未结请用清台：结账请选择现金、收款码、刷卡、挂账或免单",
        ));
    }
    if req.method != PayMethod::Cash && req.received.is_some() {
        return Err(bad("invalid_received", "只有现金结账需要填写实收金额"));
    }
    let reason = match req.method {
        PayMethod::Credit | PayMethod::Free => Some(reason(req.reason.as_deref(), req.method.label())?),
        _ => None,
    };
    if req.expected_owed != owed {
        return Err(conflict(
            "bill_changed",
            format!(
                "账单已变动（加菜或退菜），现在应收 {owed} 元，不是 {} 元：请核对后再结账",
                req.expected_owed
            ),
        ));
    }
    if owed.cents() == 0 {
        return Err(conflict("nothing_owed", "这张账单没有待收金额：请用清台结束这一桌"));
    }
    if req.method != PayMethod::Cash {
        return Ok(Taking {
            received: None,
            change: None,
            reason,
        });
    }
    match req.received {
        Some(received) if received >= owed => Ok(Taking {
            received: Some(received),
            change: Some(Money::from_cents(received.cents() - owed.cents())),
            reason: None,
        }),
        _ => Err(bad(
            "cash_short",
            format!("现金实收不能少于应收的 {owed} 元：请填写收到的金额"),
        )),
    }
}

/// A cart line carried to another table's cart (换桌, 并台): quantities add up, to the cart's
/// most; the line already there keeps its remark and who added it.
pub fn carried_line(existing: Option<&LineState>, moving: &LineState, dish_name: &str) -> Result<LineState> {
    let Some(existing) = existing else {
        return Ok(moving.clone());
    };
    let quantity = existing.quantity + moving.quantity;
    if quantity > MAX_QUANTITY {
        return Err(conflict(
            "cart_too_full",
            format!("两桌的「{dish_name}」合起来 {quantity} 份，超过每样最多 {MAX_QUANTITY} 份：请先减少再并台"),
        ));
    }
    Ok(LineState {
        quantity,
        ..existing.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(status: OrderStatus, cents: i64, paid: bool) -> OrderDTO {
        OrderDTO {
            order_id: 1,
            order_no: "OB00000001".into(),
            store_id: 1,
            table_id: 1,
            table_number: "A01".into(),
            status,
            items: Vec::new(),
            total_amount: Money::from_cents(cents),
            total_quantity: 0,
            created_at: 0,
            paid_at: paid.then_some(1),
            accepted_at: None,
            ready_at: None,
            finished_at: None,
            reject_reason: None,
            reminder_count: 0,
            last_reminder_at: None,
            bill_id: Some(1),
            round: Some(1),
        }
    }

    fn settle(method: PayMethod, expected: i64, received: Option<i64>, reason: Option<&str>) -> SettleRequest {
        SettleRequest {
            method,
            expected_owed: Money::from_cents(expected),
            received: received.map(Money::from_cents),
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn only_rounds_that_count_make_the_total_and_online_payments_are_not_owed_again() {
        let rounds = [
            round(OrderStatus::Submitted, 3000, false),
            round(OrderStatus::Paid, 1200, true),
            round(OrderStatus::PendingPayment, 900, false),
            round(OrderStatus::Rejected, 500, false),
        ];
        let open = sums(BillStatus::Open, &rounds);
        assert_eq!(open.total, Money::from_cents(4200));
        assert_eq!(open.paid, Money::from_cents(1200));
        assert_eq!(open.owed, Money::from_cents(3000));
        assert_eq!(
            sums(BillStatus::Settled, &rounds).owed,
            Money::ZERO,
            "nothing is owed once settled"
        );
    }

    #[test]
    fn a_bill_left_for_hours_with_nothing_owed_or_cooking_is_abandoned() {
        let bill = |rounds: Vec<OrderDTO>| {
            let sums = sums(BillStatus::Open, &rounds);
            BillDTO {
                bill_id: 1,
                store_id: 1,
                table_id: 1,
                table_number: "A01".into(),
                mode: orderbell_shared::bills::OrderingMode::PayFirst,
                status: BillStatus::Open,
                opened_at: 0,
                closed_at: None,
                rounds,
                total: sums.total,
                paid: sums.paid,
                owed: sums.owed,
                settlement: None,
                close_reason: None,
                next_table_number: None,
                diners: Vec::new(),
                replies: Vec::new(),
                unheard: Vec::new(),
            }
        };
        let later = IDLE_MS + 1;
        assert!(abandoned(&bill(vec![round(OrderStatus::Completed, 100, true)]), later));
        assert!(
            !abandoned(&bill(vec![round(OrderStatus::Completed, 100, true)]), IDLE_MS),
            "not yet"
        );
        assert!(
            !abandoned(&bill(vec![round(OrderStatus::Accepted, 100, true)]), later),
            "still being made"
        );
        assert!(
            !abandoned(&bill(vec![round(OrderStatus::Ready, 100, false)]), later),
            "money owed"
        );
        assert!(abandoned(&bill(Vec::new()), later), "a scan that never ordered");
    }

    #[test]
    fn the_table_map_says_how_far_the_meal_is() {
        assert_eq!(table_state(None), TableState::Free);
        assert_eq!(table_state(Some((&[], Money::ZERO))), TableState::Ordering);
        let cooking = [round(OrderStatus::Accepted, 100, false)];
        assert_eq!(
            table_state(Some((&cooking, Money::from_cents(100)))),
            TableState::Eating
        );
        let served = [round(OrderStatus::Ready, 100, false)];
        assert_eq!(table_state(Some((&served, Money::from_cents(100)))), TableState::ToPay);
        assert_eq!(
            table_state(Some((&served, Money::ZERO))),
            TableState::Eating,
            "served and paid: still at the table"
        );
    }

    #[test]
    fn diners_are_named_by_their_phone_or_when_they_joined() {
        assert_eq!(diner_label(Some("138 0013 1234"), 0), "尾号1234");
        assert_eq!(diner_label(None, 1), "食客2");
        assert_eq!(diner_label(Some("12"), 2), "食客3");
    }

    #[test]
    fn carried_lines_add_up_to_the_carts_most() {
        let line = |quantity, diner_id| LineState {
            quantity,
            remark: None,
            diner_id: Some(diner_id),
        };
        assert_eq!(carried_line(None, &line(3, 1), "宫保鸡丁").ok(), Some(line(3, 1)));
        assert_eq!(
            carried_line(Some(&line(2, 7)), &line(3, 1), "宫保鸡丁").ok(),
            Some(line(5, 7))
        );
        let over = carried_line(Some(&line(98, 7)), &line(2, 1), "宫保鸡丁");
        assert_eq!(over.err().map(|e| e.code()), Some("cart_too_full"));
    }

    #[test]
    fn cash_gives_change_and_never_takes_less_than_owed() {
        let owed = Money::from_cents(8650);
        let taken = check_settle(
            BillStatus::Open,
            owed,
            &settle(PayMethod::Cash, 8650, Some(10000), None),
        )
        .expect("enough cash");
        assert_eq!(taken.change, Some(Money::from_cents(1350)));
        let short = check_settle(BillStatus::Open, owed, &settle(PayMethod::Cash, 8650, Some(8000), None));
        assert_eq!(short.map_err(|e| e.code()).err(), Some("cash_short"));
        let none = check_settle(BillStatus::Open, owed, &settle(PayMethod::Cash, 8650, None, None));
        assert_eq!(none.map_err(|e| e.code()).err(), Some("cash_short"));
    }

    #[test]
    fn each_refusal_has_its_code() {
        let owed = Money::from_cents(500);
        let code = |status, owed, req: SettleRequest| check_settle(status, owed, &req).err().map(|e| e.code());
        assert_eq!(
            code(BillStatus::Settled, owed, settle(PayMethod::Card, 500, None, None)),
            Some("bill_not_open")
        );
        assert_eq!(
            code(BillStatus::Open, owed, settle(PayMethod::Online, 500, None, None)),
            Some("invalid_method")
        );
        assert_eq!(
            code(BillStatus::Open, owed, settle(PayMethod::Card, 500, Some(500), None)),
            Some("invalid_received")
        );
        assert_eq!(
            code(BillStatus::Open, owed, settle(PayMethod::Free, 500, None, Some("  "))),
            Some("reason_required")
        );
        assert_eq!(
            code(BillStatus::Open, owed, settle(PayMethod::StoreQr, 400, None, None)),
            Some("bill_changed")
        );
        assert_eq!(
            code(BillStatus::Open, Money::ZERO, settle(PayMethod::StoreQr, 0, None, None)),
            Some("nothing_owed")
        );
        assert_eq!(
            code(
                BillStatus::Open,
                owed,
                settle(PayMethod::Credit, 500, None, Some("张总月结"))
            ),
            None
        );
    }
}
