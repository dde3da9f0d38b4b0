//! Which print jobs a store event makes for this device's printers. Pure: the printers, the menu
//! and the event go in, the documents to print come out; nothing here talks to a printer.
//!
//! - Only printers this device owns (`deviceId` = its credential id) and that are enabled: two
//!   devices of a store never print the same ticket on one printer.
//! - A kitchen ticket is split by category: a printer with `categoryIds` gets those dishes, a
//!   printer without gets the dishes no printer of the store claims (饮品 to the bar, the rest to
//!   the kitchen). A printer with nothing of the order prints nothing.
//! - Each printer prints `copies` of what it gets; the copy number is part of the job's key, so
//!   a replayed event never makes a second job ([`super::jobs`]).

use std::collections::{BTreeMap, BTreeSet};

use orderbell_shared::StoreTablesDTO;
use orderbell_shared::bills::{BillStatus, bill_no};
use orderbell_shared::printing::{PrintRules, PrinterDTO};
use orderbell_shared::{Event, MenuDTO, OrderDTO, OrderStatus};

use super::layout::{KitchenTicket, Receipt, ReceiptLine, TicketKind, TicketLine};

/// The menu as routing needs it: which category each dish is in, and the store's name for the
/// ticket's head; and each table's link, for the receipt's QR code (known to the owner's device
/// only: others print receipts without it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Menu {
    pub store_name: String,
    category_of: BTreeMap<i64, i64>,
    links: BTreeMap<i64, String>,
}

impl Menu {
    pub fn new(menu: &MenuDTO) -> Menu {
        let category_of = menu
            .categories
            .iter()
            .flat_map(|c| c.dishes.iter().map(|d| (d.cuisine_id, c.category_id)))
            .collect();
        Menu {
            store_name: menu.store_name.clone(),
            category_of,
            links: BTreeMap::new(),
        }
    }

    /// With the store's tables' links: a receipt's QR code takes the customer back to the table.
    pub fn with_links(mut self, tables: &StoreTablesDTO) -> Menu {
        self.links = tables
            .areas
            .iter()
            .flat_map(|a| &a.tables)
            .map(|t| (t.table_id, t.link.clone()))
            .collect();
        self
    }

    /// `None` for a dish the menu no longer (or not yet) has: it goes to the printers that take
    /// the unclaimed rest, so it is printed somewhere.
    pub fn category(&self, cuisine_id: i64) -> Option<i64> {
        self.category_of.get(&cuisine_id).copied()
    }
}

/// What one printer is to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Document {
    Ticket(KitchenTicket),
    Receipt(Receipt),
    /// 测试打印 from 设置 → 打印机.
    TestPage {
        at_ms: i64,
        utc_offset_minutes: i32,
    },
}

impl Document {
    /// 「A03 新单」: how the queue and the logs name the job.
    pub fn title(&self) -> String {
        match self {
            Document::Ticket(t) => {
                let kind = match t.kind {
                    TicketKind::New => "新单",
                    TicketKind::AddDishes => "加菜",
                    TicketKind::Return => "退菜",
                    TicketKind::Reminder => "催单",
                    TicketKind::Reprint => "重打",
                };
                format!("{} {kind}", t.table_number)
            }
            Document::Receipt(r) => format!("{} 小票", r.table_number),
            Document::TestPage { .. } => "测试打印".to_owned(),
        }
    }
}

/// One job to make: `copy` counts from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub printer_id: i64,
    pub copy: u8,
    pub document: Document,
}

/// This device's view of the store's printers.
#[derive(Clone, Copy, Debug)]
pub struct Routing<'a> {
    /// This device's credential id.
    pub device_id: &'a str,
    /// All the store's printers (other devices' too: their categories are claimed).
    pub printers: &'a [PrinterDTO],
    pub menu: &'a Menu,
    pub utc_offset_minutes: i32,
}

impl Routing<'_> {
    /// 测试打印 on one of this device's printers (none for another device's: it prints there).
    pub fn test_page(&self, printer_id: i64, now_ms: i64) -> Vec<Planned> {
        self.printers
            .iter()
            .filter(|p| p.printer_id == printer_id && p.device_id == self.device_id)
            .map(|p| Planned {
                printer_id: p.printer_id,
                copy: 1,
                document: Document::TestPage {
                    at_ms: now_ms,
                    utc_offset_minutes: self.utc_offset_minutes,
                },
            })
            .collect()
    }

    /// The jobs `event` makes. `order` finds an open order by id (for an accept, whose event
    /// carries no dishes).
    pub fn for_event<'o>(&self, event: &Event, order: impl Fn(i64) -> Option<&'o OrderDTO>) -> Vec<Planned> {
        match event {
            Event::OrderPaid(o) | Event::OrderSubmitted(o) => {
                let kind = match o.round {
                    Some(round) if round >= 2 => TicketKind::AddDishes,
                    _ => TicketKind::New,
                };
                self.tickets(o, kind, o.paid_at.unwrap_or(o.created_at), dishes(o), |r| {
                    r.on_new_order
                })
            }
            Event::OrderStatus(change) if change.to == OrderStatus::Accepted => match order(change.order_id) {
                Some(o) => self.tickets(o, TicketKind::New, change.at, dishes(o), |r| r.on_accept),
                None => Vec::new(),
            },
            Event::ItemReturned(returned) => {
                let index = usize::try_from(returned.line).unwrap_or(usize::MAX);
                let Some(item) = returned.order.items.get(index) else {
                    return Vec::new();
                };
                let line = TicketLine {
                    name: returned.cuisine_name.clone(),
                    quantity: returned.quantity,
                    remark: Some(returned.reason.clone()).filter(|r| !r.trim().is_empty()),
                };
                let lines = vec![(item.cuisine_id, line)];
                self.tickets(&returned.order, TicketKind::Return, returned.at, lines, |r| r.on_return)
            }
            Event::OrderReminder(reminder) => {
                let o = &reminder.order;
                self.tickets(o, TicketKind::Reminder, reminder.at, dishes(o), |r| r.on_reminder)
            }
            Event::BillSettled(bill) if bill.status == BillStatus::Settled => {
                let Some(settlement) = &bill.settlement else {
                    return Vec::new();
                };
                let counted = bill.rounds.iter().filter(|o| counts(o.status));
                let lines = counted
                    .flat_map(|o| &o.items)
                    .filter(|i| i.quantity > i.returned_quantity)
                    .map(|i| ReceiptLine {
                        name: i.cuisine_name.clone(),
                        quantity: i.quantity - i.returned_quantity,
                        amount: i.subtotal_amount,
                    })
                    .collect();
                let receipt = Receipt {
                    store_name: self.menu.store_name.clone(),
                    table_number: bill.table_number.clone(),
                    number: bill_no(bill.bill_id),
                    lines,
                    total: bill.total,
                    paid_by: settlement.method.label().to_owned(),
                    at_ms: settlement.at,
                    utc_offset_minutes: self.utc_offset_minutes,
                    qr_link: self.menu.links.get(&bill.table_id).cloned(),
                };
                self.mine()
                    .filter(|p| p.rules.on_settle)
                    .flat_map(|p| copies(p, Document::Receipt(receipt.clone())))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// 重打: the order's ticket again, marked as a reprint, on every printer of this device that
    /// has dishes of it, whatever its rules.
    pub fn reprint(&self, order: &OrderDTO, now_ms: i64) -> Vec<Planned> {
        self.tickets(order, TicketKind::Reprint, now_ms, dishes(order), |_| true)
    }

    fn mine(&self) -> impl Iterator<Item = &PrinterDTO> {
        self.printers
            .iter()
            .filter(|p| p.enabled && p.device_id == self.device_id)
    }

    /// One ticket per printer of this device that wants it and has some of `lines`.
    fn tickets(
        &self,
        order: &OrderDTO,
        kind: TicketKind,
        at_ms: i64,
        lines: Vec<(i64, TicketLine)>,
        wants: impl Fn(&PrintRules) -> bool,
    ) -> Vec<Planned> {
        let claimed: BTreeSet<i64> = self
            .printers
            .iter()
            .filter(|p| p.enabled)
            .flat_map(|p| p.category_ids.iter().copied())
            .collect();
        let mut planned = Vec::new();
        for printer in self.mine().filter(|p| wants(&p.rules)) {
            let takes = |cuisine_id: i64| {
                let category = self.menu.category(cuisine_id);
                if printer.category_ids.is_empty() {
                    category.is_none_or(|c| !claimed.contains(&c))
                } else {
                    category.is_some_and(|c| printer.category_ids.contains(&c))
                }
            };
            let mine: Vec<TicketLine> = lines
                .iter()
                .filter(|(cuisine_id, _)| takes(*cuisine_id))
                .map(|(_, line)| line.clone())
                .collect();
            if mine.is_empty() {
                continue;
            }
            let ticket = KitchenTicket {
                store_name: self.menu.store_name.clone(),
                printer_name: printer.name.clone(),
                table_number: order.table_number.clone(),
                order_no: order.order_no.clone(),
                round: order.round,
                kind,
                at_ms,
                utc_offset_minutes: self.utc_offset_minutes,
                lines: mine,
            };
            planned.extend(copies(printer, Document::Ticket(ticket)));
        }
        planned
    }
}

/// The dishes still to cook: as ordered, less what was taken back.
fn dishes(order: &OrderDTO) -> Vec<(i64, TicketLine)> {
    order
        .items
        .iter()
        .filter(|i| i.quantity > i.returned_quantity)
        .map(|i| {
            let line = TicketLine {
                name: i.cuisine_name.clone(),
                quantity: i.quantity - i.returned_quantity,
                remark: i.remark.clone().filter(|r| !r.trim().is_empty()),
            };
            (i.cuisine_id, line)
        })
        .collect()
}

/// The rounds a bill charges for.
fn counts(status: OrderStatus) -> bool {
    !matches!(
        status,
        OrderStatus::PendingPayment | OrderStatus::Cancelled | OrderStatus::Rejected
    )
}

fn copies(printer: &PrinterDTO, document: Document) -> Vec<Planned> {
    (1..=printer.copies.max(1))
        .map(|copy| Planned {
            printer_id: printer.printer_id,
            copy,
            document: document.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use orderbell_shared::printing::{PaperWidth, PrinterConnection, PrinterRole};
    use serde_json::json;

    use super::*;

    fn printer(printer_id: i64, device_id: &str, role: PrinterRole, category_ids: Vec<i64>) -> PrinterDTO {
        PrinterDTO {
            printer_id,
            store_id: 1,
            name: format!("{}打印机", role.label()),
            role,
            connection: PrinterConnection::Network {
                host: "127.0.0.1".into(),
                port: 9100,
            },
            paper: PaperWidth::Mm58,
            copies: 1,
            category_ids,
            rules: PrintRules::for_role(role),
            device_id: device_id.into(),
            device_name: "前台电脑".into(),
            enabled: true,
        }
    }

    /// 宫保鸡丁 (热菜 1), 酸梅汤 (饮品 5), 凉菜 (7, claimed by another device's printer), and a
    /// dish the menu does not know.
    fn order(round: u32) -> OrderDTO {
        let item = |id: i64, name: &str, quantity: u32, returned: u32| {
            json!({"cuisineId": id, "cuisineName": name, "cuisineType": 1, "unitPrice": "10.00",
                   "quantity": quantity, "subtotalAmount": "10.00", "remark": null, "addUserId": null,
                   "returnedQuantity": returned})
        };
        serde_json::from_value(json!({
            "orderId": 9, "orderNo": "OB9", "storeId": 1, "tableId": 3, "tableNumber": "A03",
            "status": "paid", "totalAmount": "40.00", "totalQuantity": 4, "createdAt": 1, "paidAt": 2,
            "acceptedAt": null, "readyAt": null, "finishedAt": null, "rejectReason": null,
            "reminderCount": 0, "lastReminderAt": null, "billId": 4, "round": round,
            "items": [item(1001, "宫保鸡丁", 2, 0), item(1011, "酸梅汤", 1, 0), item(1006, "拍黄瓜", 1, 0),
                      item(3000, "新菜", 1, 0), item(1002, "鱼香肉丝", 1, 1)],
        }))
        .expect("an order")
    }

    fn names(planned: &Planned) -> Vec<&str> {
        match &planned.document {
            Document::Ticket(t) => t.lines.iter().map(|l| l.name.as_str()).collect(),
            Document::Receipt(r) => r.lines.iter().map(|l| l.name.as_str()).collect(),
            Document::TestPage { .. } => Vec::new(),
        }
    }

    #[test]
    fn a_test_page_prints_only_on_this_devices_own_printer() {
        let menu = Menu::default();
        let printers = [
            printer(1, "me", PrinterRole::Kitchen, vec![]),
            printer(2, "other", PrinterRole::Bar, vec![]),
        ];
        let routing = Routing {
            device_id: "me",
            printers: &printers,
            menu: &menu,
            utc_offset_minutes: 480,
        };
        let mine = routing.test_page(1, 1_000);
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].document.title(), "测试打印");
        assert!(routing.test_page(2, 1_000).is_empty(), "the bar's device prints it");
    }

    #[test]
    fn dishes_are_routed_by_category_to_this_devices_printers_only() {
        let menu = Menu {
            store_name: "铃声小馆".into(),
            category_of: [(1001, 1), (1011, 5), (1006, 7), (1002, 1)].into(),
            links: BTreeMap::new(),
        };
        let mut kitchen = printer(1, "me", PrinterRole::Kitchen, vec![]);
        kitchen.copies = 2;
        let mut disabled = printer(4, "me", PrinterRole::Kitchen, vec![]);
        disabled.enabled = false;
        let printers = [
            kitchen,
            printer(2, "me", PrinterRole::Bar, vec![5]),
            printer(3, "other", PrinterRole::Kitchen, vec![7]),
            disabled,
        ];
        let routing = Routing {
            device_id: "me",
            printers: &printers,
            menu: &menu,
            utc_offset_minutes: 480,
        };
        let planned = routing.for_event(&Event::OrderPaid(order(1)), |_| None);
        let got: Vec<(i64, u8, Vec<&str>)> = planned.iter().map(|p| (p.printer_id, p.copy, names(p))).collect();
        assert_eq!(
            got,
            [
                (1, 1, vec!["宫保鸡丁", "新菜"]),
                (1, 2, vec!["宫保鸡丁", "新菜"]),
                (2, 1, vec!["酸梅汤"]),
            ],
            "the kitchen gets what nobody claims (an unknown dish too), twice; the bar its drinks; \
             凉菜 is the other device's; a dish all returned is not cooked"
        );
        let Document::Ticket(ticket) = &planned[0].document else {
            panic!("a kitchen ticket")
        };
        assert_eq!((ticket.kind, ticket.at_ms), (TicketKind::New, 2));

        let more = routing.for_event(&Event::OrderSubmitted(order(2)), |_| None);
        assert!(matches!(&more[0].document, Document::Ticket(t) if t.kind == TicketKind::AddDishes));
        let reprint = routing.reprint(&order(1), 99);
        assert_eq!(reprint.len(), 3, "a reprint goes where the ticket went");
        assert_eq!(reprint[0].document.title(), "A03 重打");

        let other = Routing {
            device_id: "nobody",
            ..routing
        };
        assert!(other.for_event(&Event::OrderPaid(order(1)), |_| None).is_empty());
    }
}
