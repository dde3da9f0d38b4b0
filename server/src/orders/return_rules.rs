//! 退菜 as pure rules: which orders may give dishes back, how many of a line, and what that
//! does to the order's money.
//!
//! Dishes can go back until the kitchen has cooked them: while the order is submitted, paid or
//! accepted. A ready order's dishes are made; an unpaid one (pending payment) is the customer's to
//! cancel. A paid line given back is a refund due; a fully returned order is cancelled.

use orderbell_shared::bills::{PayMethod, ReturnRequest};
use orderbell_shared::{Money, OrderDTO, OrderStatus};

use crate::error::{Error, Result};

pub const MAX_REASON_CHARS: usize = 50;

/// A return the rules allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnPlan {
    pub line: u32,
    pub quantity: u32,
    /// What the returned dishes came to.
    pub amount: Money,
    /// Set when the order was paid: this much is owed back.
    pub refund: Option<Money>,
    /// The reason, trimmed.
    pub reason: String,
    /// Nothing is left of the order after this return: it is cancelled.
    pub empties_order: bool,
}

/// Whether the customer has paid for the order: online by itself, or with its bill, settled
/// by a method that took money in (a round of a bill put on account or waived was not paid).
pub fn paid(order: &OrderDTO, bill_settled_by: Option<PayMethod>) -> bool {
    order.paid_at.is_some() || bill_settled_by.is_some_and(PayMethod::is_received)
}

/// Check `request` against the order as it is now; `paid` as [`paid`] says.
pub fn plan(order: &OrderDTO, paid: bool, request: &ReturnRequest) -> Result<ReturnPlan> {
    if !returnable(order.status) {
        return Err(not_returnable(order.status));
    }
    let index = usize::try_from(request.line).unwrap_or(usize::MAX);
    let item = order.items.get(index).ok_or_else(|| {
        Error::bad_request(
            "invalid_line",
            format!(
                "这一单没有第 {} 行：行号从 0 开始，共 {} 行，请刷新订单后重试",
                request.line,
                order.items.len()
            ),
        )
    })?;
    let left = item.quantity.saturating_sub(item.returned_quantity);
    if request.quantity == 0 || request.quantity > left {
        return Err(Error::bad_request(
            "return_too_many",
            format!("这一行最多还能退 {left} 份"),
        ));
    }
    let reason = request.reason.trim();
    let chars = reason.chars().count();
    if chars == 0 || chars > MAX_REASON_CHARS {
        return Err(Error::bad_request(
            "reason_required",
            format!("请填写退菜原因（1 到 {MAX_REASON_CHARS} 个字）"),
        ));
    }
    let amount = item.unit_price * request.quantity;
    let left_in_order: u32 = order
        .items
        .iter()
        .map(|i| i.quantity.saturating_sub(i.returned_quantity))
        .sum();
    Ok(ReturnPlan {
        line: request.line,
        quantity: request.quantity,
        amount,
        refund: paid.then_some(amount),
        reason: reason.to_owned(),
        empties_order: left_in_order == request.quantity,
    })
}

/// Not yet cooked, and the merchant has it.
pub fn returnable(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Submitted | OrderStatus::Paid | OrderStatus::Accepted
    )
}

/// The reason a fully returned order is cancelled with.
pub fn cancel_reason(reason: &str) -> String {
    format!("全部退菜：{reason}")
}

fn not_returnable(status: OrderStatus) -> Error {
    let message = match status {
        OrderStatus::PendingPayment => "这一单还没有支付，不能退菜：请顾客在手机上取消订单后重新下单".to_owned(),
        OrderStatus::Ready | OrderStatus::Completed => {
            format!("这一单{}，菜已做好，不能再退菜", status.label())
        }
        _ => format!("这一单{}，没有可退的菜", status.label()),
    };
    Error::Conflict {
        code: "not_returnable",
        message,
        current: Some(status),
    }
}

#[cfg(test)]
mod tests {
    use orderbell_shared::{CuisineType, OrderItemDTO};

    use super::*;

    fn item(unit_cents: i64, quantity: u32, returned: u32) -> OrderItemDTO {
        let unit_price = Money::from_cents(unit_cents);
        OrderItemDTO {
            cuisine_id: 1001,
            cuisine_name: "宫保鸡丁".into(),
            cuisine_type: CuisineType::Single,
            unit_price,
            quantity,
            subtotal_amount: unit_price * (quantity - returned),
            remark: None,
            add_user_id: None,
            returned_quantity: returned,
        }
    }

    fn order(status: OrderStatus, paid: bool, items: Vec<OrderItemDTO>) -> OrderDTO {
        let total = items.iter().map(|i| i.subtotal_amount).sum();
        OrderDTO {
            order_id: 7,
            order_no: "OB00000007".into(),
            store_id: 1,
            table_id: 1,
            table_number: "A01".into(),
            status,
            total_quantity: items.iter().map(|i| i.quantity).sum(),
            items,
            total_amount: total,
            created_at: 0,
            paid_at: paid.then_some(1),
            accepted_at: None,
            ready_at: None,
            finished_at: None,
            reject_reason: None,
            reminder_count: 0,
            last_reminder_at: None,
            bill_id: None,
            round: None,
        }
    }

    fn request(line: u32, quantity: u32, reason: &str) -> ReturnRequest {
        ReturnRequest {
            line,
            quantity,
            reason: reason.into(),
        }
    }

    fn code(result: Result<ReturnPlan>) -> (u16, &'static str) {
        let error = result.expect_err("refused");
        (error.status().as_u16(), error.code())
    }

    #[test]
    fn a_paid_line_given_back_is_a_refund_due_of_exactly_its_dishes() {
        let o = order(OrderStatus::Accepted, true, vec![item(3800, 2, 0), item(850, 3, 1)]);
        let plan = plan(&o, o.paid_at.is_some(), &request(1, 2, "  上错了 ")).expect("allowed");
        assert_eq!(plan.amount, Money::from_cents(1700));
        assert_eq!(plan.refund, Some(Money::from_cents(1700)), "paid online: owed back");
        assert_eq!(plan.reason, "上错了", "trimmed");
        assert!(!plan.empties_order, "the first line is still there");
    }

    #[test]
    fn an_unpaid_round_gives_back_without_a_refund_and_the_last_portion_cancels_it() {
        let o = order(OrderStatus::Submitted, false, vec![item(3800, 2, 1)]);
        let plan = plan(&o, o.paid_at.is_some(), &request(0, 1, "不要了")).expect("allowed");
        assert_eq!((plan.refund, plan.empties_order), (None, true));
        assert_eq!(cancel_reason(&plan.reason), "全部退菜：不要了");
    }

    #[test]
    fn a_round_of_a_bill_settled_with_money_was_paid() {
        let o = order(OrderStatus::Submitted, false, vec![item(3800, 1, 0)]);
        assert!(!paid(&o, None), "the bill is still open");
        for method in [PayMethod::Cash, PayMethod::StoreQr, PayMethod::Card, PayMethod::Online] {
            assert!(paid(&o, Some(method)), "{method:?} took money in");
        }
        for method in [PayMethod::Credit, PayMethod::Free, PayMethod::Unpaid] {
            assert!(!paid(&o, Some(method)), "{method:?} took nothing in");
        }
        let settled = plan(&o, true, &request(0, 1, "上错了")).expect("allowed");
        assert_eq!(settled.refund, Some(Money::from_cents(3800)));
    }

    #[test]
    fn cooked_unpaid_or_finished_orders_give_nothing_back() {
        for status in [
            OrderStatus::PendingPayment,
            OrderStatus::Ready,
            OrderStatus::Completed,
            OrderStatus::Cancelled,
            OrderStatus::Rejected,
        ] {
            let o = order(status, false, vec![item(3800, 2, 0)]);
            assert_eq!(
                code(plan(&o, o.paid_at.is_some(), &request(0, 1, "x"))),
                (409, "not_returnable"),
                "{status:?}"
            );
        }
        for status in [OrderStatus::Submitted, OrderStatus::Paid, OrderStatus::Accepted] {
            assert!(returnable(status), "{status:?} is not cooked yet");
        }
    }

    #[test]
    fn lines_quantities_and_reasons_are_checked_with_what_to_do() {
        let o = order(OrderStatus::Paid, true, vec![item(3800, 3, 1)]);
        assert_eq!(
            code(plan(&o, o.paid_at.is_some(), &request(1, 1, "x"))),
            (400, "invalid_line")
        );
        assert_eq!(
            code(plan(&o, o.paid_at.is_some(), &request(0, 0, "x"))),
            (400, "return_too_many")
        );
        let too_many = plan(&o, o.paid_at.is_some(), &request(0, 3, "x")).expect_err("only two left");
        assert_eq!(too_many.public_message(), "这一行最多还能退 2 份");
        assert_eq!(
            code(plan(&o, o.paid_at.is_some(), &request(0, 1, "   "))),
            (400, "reason_required")
        );
        assert_eq!(
            code(plan(&o, o.paid_at.is_some(), &request(0, 1, &"因".repeat(51)))),
            (400, "reason_required")
        );
        assert!(
            plan(&o, o.paid_at.is_some(), &request(0, 2, &"因".repeat(50))).is_ok(),
            "50 characters are enough"
        );
    }
}
