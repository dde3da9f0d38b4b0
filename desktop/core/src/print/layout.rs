//! Placeholder for the escpos helper's layout (replaced when the `escpos` branch is merged): the
//! contract's types, with plain bytes so the queue can be built and tested meanwhile.

use orderbell_shared::money::Money;
use orderbell_shared::printing::PaperWidth;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketLine {
    pub name: String,
    pub quantity: u32,
    pub remark: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketKind {
    New,
    AddDishes,
    Return,
    Reminder,
    Reprint,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KitchenTicket {
    pub store_name: String,
    pub printer_name: String,
    pub table_number: String,
    pub order_no: String,
    pub round: Option<u32>,
    pub kind: TicketKind,
    pub at_ms: i64,
    pub utc_offset_minutes: i32,
    pub lines: Vec<TicketLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptLine {
    pub name: String,
    pub quantity: u32,
    pub amount: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub store_name: String,
    pub table_number: String,
    pub number: String,
    pub lines: Vec<ReceiptLine>,
    pub total: Money,
    pub paid_by: String,
    pub at_ms: i64,
    pub utc_offset_minutes: i32,
    pub qr_link: Option<String>,
}

impl KitchenTicket {
    pub fn escpos(&self, _paper: PaperWidth) -> Vec<u8> {
        let mut text = format!("{}\n{}\n", self.table_number, self.order_no);
        for line in &self.lines {
            text.push_str(&format!("{} x{}\n", line.name, line.quantity));
        }
        [b"\x1b@".as_slice(), text.as_bytes(), b"\x1dV\x00"].concat()
    }
}

impl Receipt {
    pub fn escpos(&self, _paper: PaperWidth) -> Vec<u8> {
        let text = format!("{}\n{}\n{}\n", self.store_name, self.number, self.total);
        [b"\x1b@".as_slice(), text.as_bytes(), b"\x1dV\x00"].concat()
    }
}
