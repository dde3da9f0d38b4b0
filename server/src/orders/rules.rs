//! The life of an order, as pure rules:
//!
//! `pending_payment → paid → accepted → ready → completed`, plus `cancelled` (by the customer
//! before paying, or by the system when unpaid too long) and `rejected` (by the merchant).
//! In 先吃后付 an order starts `submitted` and goes on exactly as a paid one does: to the
//! kitchen, accepted or rejected, ready, completed.
//!
//! Repeating a step that already happened is harmless (a second tap on 接单 changes nothing);
//! a step from the wrong state is a conflict.

use orderbell_shared::{Actor, OrderDTO, OrderStatus};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Accept,
    Reject {
        reason: String,
    },
    MarkReady,
    /// The kitchen takes back a ticket marked ready by mistake.
    Recall,
    Complete,
    /// The customer changes their mind before paying.
    Cancel,
    /// Unpaid for too long.
    Expire,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Move(OrderStatus),
    AlreadyDone,
    Conflict,
}

/// The part of the life the merchant sees, in order; `submitted` stands where `paid` does.
const PROGRESS: [OrderStatus; 4] = [
    OrderStatus::Paid,
    OrderStatus::Accepted,
    OrderStatus::Ready,
    OrderStatus::Completed,
];

fn rank(status: OrderStatus) -> Option<usize> {
    let status = match status {
        OrderStatus::Submitted => OrderStatus::Paid,
        other => other,
    };
    PROGRESS.iter().position(|s| *s == status)
}

impl Action {
    /// Who may take this step.
    pub fn allowed(&self, actor: Actor) -> bool {
        match self {
            // The system accepts or rejects an order nobody heard, when the owner chose so.
            Action::Accept | Action::Reject { .. } => matches!(actor, Actor::Merchant | Actor::System),
            Action::Complete => actor == Actor::Merchant,
            Action::MarkReady | Action::Recall => matches!(actor, Actor::Merchant | Actor::Kitchen),
            Action::Cancel => actor == Actor::Customer,
            Action::Expire => actor == Actor::System,
        }
    }

    pub fn reason(&self) -> Option<String> {
        match self {
            Action::Reject { reason } => Some(reason.clone()),
            Action::Expire => Some("超时未支付".to_owned()),
            _ => None,
        }
    }
}

pub fn decide(current: OrderStatus, action: &Action) -> Decision {
    use OrderStatus::*;
    let forward = |to: OrderStatus| match (rank(current), rank(to)) {
        (Some(c), Some(t)) if c + 1 == t => Decision::Move(to),
        (Some(c), Some(t)) if c >= t => Decision::AlreadyDone,
        _ => Decision::Conflict,
    };
    match action {
        Action::Accept => forward(Accepted),
        Action::MarkReady => forward(Ready),
        Action::Complete => forward(Completed),
        Action::Recall => match current {
            Ready => Decision::Move(Accepted),
            Accepted => Decision::AlreadyDone,
            _ => Decision::Conflict,
        },
        Action::Reject { .. } => match current {
            Submitted | Paid | Accepted => Decision::Move(Rejected),
            Rejected => Decision::AlreadyDone,
            _ => Decision::Conflict,
        },
        Action::Cancel | Action::Expire => match current {
            PendingPayment => Decision::Move(Cancelled),
            Cancelled => Decision::AlreadyDone,
            _ => Decision::Conflict,
        },
    }
}

/// Move `order` to `to` at `now`, stamping the matching time.
pub fn apply(order: &mut OrderDTO, to: OrderStatus, now: i64, reason: Option<String>) {
    order.status = to;
    match to {
        OrderStatus::Paid => order.paid_at = Some(now),
        OrderStatus::Accepted => {
            // A recalled ticket was accepted long ago; only its readiness is undone.
            order.accepted_at.get_or_insert(now);
            order.ready_at = None;
        }
        OrderStatus::Ready => order.ready_at = Some(now),
        OrderStatus::Completed | OrderStatus::Cancelled | OrderStatus::Rejected => order.finished_at = Some(now),
        OrderStatus::PendingPayment | OrderStatus::Submitted => {}
    }
    if to == OrderStatus::Rejected || to == OrderStatus::Cancelled {
        order.reject_reason = reason;
    }
}

/// What the customer reads when the order reaches `to`.
pub fn message(to: OrderStatus, reason: Option<&str>) -> String {
    let text = match to {
        OrderStatus::PendingPayment => "订单已提交，请支付",
        OrderStatus::Submitted => "已下单，厨房马上准备",
        OrderStatus::Paid => "支付成功",
        OrderStatus::Accepted => "商家已接单，正在准备",
        OrderStatus::Ready => "已出餐，请取餐",
        OrderStatus::Completed => "订单已完成",
        OrderStatus::Cancelled => "订单已取消",
        OrderStatus::Rejected => "商家已拒单",
    };
    match reason {
        Some(reason) => format!("{text}：{reason}"),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderStatus::*;

    #[test]
    fn the_happy_path_moves_one_step_at_a_time() {
        assert_eq!(decide(Paid, &Action::Accept), Decision::Move(Accepted));
        assert_eq!(decide(Accepted, &Action::MarkReady), Decision::Move(Ready));
        assert_eq!(decide(Ready, &Action::Complete), Decision::Move(Completed));
        assert_eq!(
            decide(Paid, &Action::MarkReady),
            Decision::Conflict,
            "ready needs accept first"
        );
        assert_eq!(
            decide(PendingPayment, &Action::Accept),
            Decision::Conflict,
            "unpaid orders are not accepted"
        );
    }

    #[test]
    fn a_submitted_order_goes_on_as_a_paid_one() {
        assert_eq!(decide(Submitted, &Action::Accept), Decision::Move(Accepted));
        let reject = Action::Reject {
            reason: "售罄".into()
        };
        assert_eq!(decide(Submitted, &reject), Decision::Move(Rejected));
        assert_eq!(
            decide(Submitted, &Action::MarkReady),
            Decision::Conflict,
            "ready needs accept first"
        );
        assert_eq!(
            decide(Submitted, &Action::Cancel),
            Decision::Conflict,
            "the kitchen has it: the customer no longer cancels"
        );
    }

    #[test]
    fn repeating_a_step_is_harmless() {
        assert_eq!(decide(Accepted, &Action::Accept), Decision::AlreadyDone);
        assert_eq!(decide(Completed, &Action::Accept), Decision::AlreadyDone);
        assert_eq!(decide(Cancelled, &Action::Cancel), Decision::AlreadyDone);
        assert_eq!(decide(Accepted, &Action::Recall), Decision::AlreadyDone);
    }

    #[test]
    fn a_ready_ticket_can_be_recalled_to_the_kitchen() {
        assert_eq!(decide(Ready, &Action::Recall), Decision::Move(Accepted));
        assert_eq!(
            decide(Completed, &Action::Recall),
            Decision::Conflict,
            "served food is not recalled"
        );
        assert!(Action::Recall.allowed(Actor::Kitchen));
    }

    #[test]
    fn finished_orders_do_not_move() {
        let reject = Action::Reject {
            reason: "售罄".into()
        };
        assert_eq!(decide(Cancelled, &Action::Accept), Decision::Conflict);
        assert_eq!(decide(Rejected, &Action::Complete), Decision::Conflict);
        assert_eq!(
            decide(Ready, &reject),
            Decision::Conflict,
            "food already made is not rejected"
        );
        assert_eq!(
            decide(Paid, &Action::Cancel),
            Decision::Conflict,
            "a paid order is not cancelled by the customer"
        );
    }

    #[test]
    fn each_step_has_its_people() {
        assert!(Action::MarkReady.allowed(Actor::Kitchen));
        assert!(!Action::Accept.allowed(Actor::Kitchen));
        assert!(!Action::Cancel.allowed(Actor::Merchant));
    }
}
