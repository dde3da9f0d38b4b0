//! What each printed page says and where: the kitchen ticket, the customer receipt and the test
//! page, for 58 mm (32 columns) and 80 mm (48 columns) paper.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use orderbell_shared::money::Money;
use orderbell_shared::printing::PaperWidth;

use super::columns::{printable, row};
use super::escpos::{Align, Page, Size};

/// A dish on a kitchen ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketLine {
    pub name: String,
    pub quantity: u32,
    pub remark: Option<String>,
}

/// Why the kitchen gets a ticket; printed big at its top.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TicketKind {
    /// 新单: the first round of an order.
    New,
    /// 加菜: a later round.
    AddDishes,
    /// 退菜: dishes taken back; the cook stops making them.
    Return,
    /// 催单: the table is waiting.
    Reminder,
    /// 重打: printed again from the board.
    Reprint,
}

impl TicketKind {
    pub fn label(self) -> &'static str {
        match self {
            TicketKind::New => "新单",
            TicketKind::AddDishes => "加菜",
            TicketKind::Return => "退菜",
            TicketKind::Reminder => "催单",
            TicketKind::Reprint => "重打",
        }
    }
}

/// The kitchen's (or the bar's) slip for one round of an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KitchenTicket {
    pub store_name: String,
    pub printer_name: String,
    pub table_number: String,
    pub order_no: String,
    /// The round of a 先吃后付 sitting (1 for the first order, 2 for the first 加菜, ...).
    pub round: Option<u32>,
    pub kind: TicketKind,
    pub at_ms: i64,
    /// The store's offset from UTC: the time printed is the restaurant's clock.
    pub utc_offset_minutes: i32,
    pub lines: Vec<TicketLine>,
}

/// A dish on a receipt: `amount` is what the line costs (price × quantity).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptLine {
    pub name: String,
    pub quantity: u32,
    pub amount: Money,
}

/// The customer's receipt for an order (`OB…`) or a settled bill (`BL…`).
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
    /// The table's (or the store's) link, printed as a QR code.
    pub qr_link: Option<String>,
}

impl KitchenTicket {
    pub fn escpos(&self, paper: PaperWidth) -> Vec<u8> {
        let mut page = Page::new(paper);
        page.align(Align::Center).size(Size::Double).bold(true);
        page.text(&format!("桌号 {}", self.table_number));
        page.text(&self.heading());
        page.bold(false).size(Size::Normal).align(Align::Left);
        page.text(&format!("单号 {}", self.order_no));
        page.text(&format!("时间 {}", local_time(self.at_ms, self.utc_offset_minutes)));
        ruler(&mut page, '-');
        for line in &self.lines {
            // Dishes in double height: read from across the pass, and still 32/48 columns.
            page.size(Size::Tall);
            let quantity = format!("×{}", line.quantity);
            for text in row(&printable(&line.name), &quantity, page.columns()) {
                page.line(&text);
            }
            page.size(Size::Normal);
            if let Some(remark) = line.remark.as_deref().filter(|r| !r.trim().is_empty()) {
                page.bold(true).text(&format!("备注：{}", remark.trim())).bold(false);
            }
        }
        ruler(&mut page, '-');
        page.align(Align::Center)
            .text(&format!("{} · {}", self.printer_name, self.store_name));
        page.cut()
    }

    /// 「加菜 第2轮」, 「新单」, ...
    fn heading(&self) -> String {
        match (self.kind, self.round) {
            (TicketKind::Return | TicketKind::Reminder | TicketKind::Reprint, _) | (_, None) => {
                self.kind.label().to_string()
            }
            (TicketKind::New | TicketKind::AddDishes, Some(round)) => {
                format!("{} 第{round}轮", self.kind.label())
            }
        }
    }
}

impl Receipt {
    pub fn escpos(&self, paper: PaperWidth) -> Vec<u8> {
        let mut page = Page::new(paper);
        page.align(Align::Center)
            .size(Size::Double)
            .text(&self.store_name)
            .size(Size::Normal);
        page.align(Align::Left);
        page.text(&format!("桌号 {}", self.table_number));
        page.text(&format!("单号 {}", self.number));
        page.text(&format!("时间 {}", local_time(self.at_ms, self.utc_offset_minutes)));
        ruler(&mut page, '-');
        for line in &self.lines {
            let item = format!("{} ×{}", printable(&line.name), line.quantity);
            for text in row(&item, &yuan(line.amount), page.columns()) {
                page.line(&text);
            }
        }
        ruler(&mut page, '-');
        page.bold(true);
        for text in row("合计", &yuan(self.total), page.columns()) {
            page.line(&text);
        }
        page.bold(false);
        for text in row("支付方式", &printable(&self.paid_by), page.columns()) {
            page.line(&text);
        }
        page.align(Align::Center);
        if let Some(link) = &self.qr_link {
            page.feed(1).qr(link);
        }
        page.feed(1).text("谢谢惠顾");
        page.cut()
    }
}

/// The page 测试打印 prints: it shows the printer reads Chinese, how wide the paper is, that a
/// full line does not wrap, and that it prints QR codes and cuts.
pub fn test_page(printer_name: &str, paper: PaperWidth, at_ms: i64, utc_offset_minutes: i32) -> Vec<u8> {
    let mut page = Page::new(paper);
    page.align(Align::Center)
        .size(Size::Double)
        .text("打印测试")
        .size(Size::Normal);
    page.text(printer_name);
    page.text(&format!(
        "纸宽 {} 毫米，每行 {} 字符",
        millimetres(paper),
        paper.columns()
    ));
    page.text(&local_time(at_ms, utc_offset_minutes));
    page.align(Align::Left);
    // A ruler of the full width: on the right paper setting it fills exactly one line.
    let digits: String = "1234567890".chars().cycle().take(paper.columns()).collect();
    page.line(&digits);
    ruler(&mut page, '中');
    page.align(Align::Center)
        .qr("Orderbell 打印测试")
        .text("二维码可扫即正常");
    page.cut()
}

/// A line across the whole paper of `c` (`-`, or a Chinese character to fill it in 2 columns).
fn ruler(page: &mut Page, c: char) {
    let count = page.columns() / super::columns::char_columns(c);
    page.line(&c.to_string().repeat(count));
}

fn millimetres(paper: PaperWidth) -> u32 {
    match paper {
        PaperWidth::Mm58 => 58,
        PaperWidth::Mm80 => 80,
    }
}

/// `￥76.00`: the full-width yuan sign is in GB2312, so every Chinese printer has it.
fn yuan(amount: Money) -> String {
    format!("￥{amount}")
}

/// `2024-05-01 12:34` at the store's offset.
fn local_time(at_ms: i64, utc_offset_minutes: i32) -> String {
    let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60)).unwrap_or(Utc.fix());
    DateTime::from_timestamp_millis(at_ms)
        .map(|at| at.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::columns::columns;
    use crate::print::escpos::CUT;

    const BOLD_ON: &[u8] = &[0x1B, b'E', 1];
    const BOLD_OFF: &[u8] = &[0x1B, b'E', 0];
    const DOUBLE: &[u8] = &[0x1D, b'!', 0x11];
    const TALL: &[u8] = &[0x1D, b'!', 0x01];
    /// 2024-05-01 04:34 UTC: 12:34 in Shanghai.
    const AT_MS: i64 = 1_714_538_040_000;

    fn gb(text: &str) -> Vec<u8> {
        encoding_rs::GB18030.encode(text).0.into_owned()
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn has(haystack: &[u8], parts: &[&[u8]]) -> bool {
        find(haystack, &parts.concat()).is_some()
    }

    fn ticket() -> KitchenTicket {
        KitchenTicket {
            store_name: "老王面馆".into(),
            printer_name: "厨房打印机".into(),
            table_number: "A12".into(),
            order_no: "OB202405010007".into(),
            round: Some(2),
            kind: TicketKind::AddDishes,
            at_ms: AT_MS,
            utc_offset_minutes: 480,
            lines: vec![
                TicketLine {
                    name: "宫保鸡丁".into(),
                    quantity: 2,
                    remark: Some("少辣".into()),
                },
                TicketLine {
                    name: "可乐 Coca-Cola 330ml".into(),
                    quantity: 1,
                    remark: None,
                },
                TicketLine {
                    name: "招牌秘制酱香大骨头配手工宽面条加量版".into(),
                    quantity: 12,
                    remark: Some("不要香菜，不要葱，汤多一点，面要硬一些 extra noodles please".into()),
                },
            ],
        }
    }

    #[test]
    fn a_ticket_starts_with_init_and_ends_with_the_cut() {
        for paper in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let bytes = ticket().escpos(paper);
            assert!(bytes.starts_with(&[0x1B, b'@', 0x1C, b'&']), "ESC @ then FS &");
            assert!(bytes.ends_with(CUT), "the cut is the last command");
        }
    }

    #[test]
    fn the_table_number_and_the_kind_are_double_size_at_the_top() {
        let bytes = ticket().escpos(PaperWidth::Mm58);
        let table = find(
            &bytes,
            &[DOUBLE, BOLD_ON, &gb("桌号 A12\n"), &gb("加菜 第2轮\n")].concat(),
        );
        let first_dish = find(&bytes, &gb("宫保鸡丁"));
        assert!(table.is_some() && table < first_dish, "{bytes:02X?}");
        let reminder = KitchenTicket {
            kind: TicketKind::Reminder,
            ..ticket()
        };
        assert!(has(
            &reminder.escpos(PaperWidth::Mm80),
            &[&gb("桌号 A12\n"), &gb("催单\n")]
        ));
    }

    #[test]
    fn order_number_and_the_store_time_follow() {
        let bytes = ticket().escpos(PaperWidth::Mm80);
        assert!(has(&bytes, &[&gb("单号 OB202405010007\n时间 2024-05-01 12:34\n")]));
        let in_utc = KitchenTicket {
            utc_offset_minutes: 0,
            ..ticket()
        };
        assert!(has(&in_utc.escpos(PaperWidth::Mm80), &[&gb("时间 2024-05-01 04:34\n")]));
    }

    #[test]
    fn each_dish_is_tall_with_its_quantity_on_the_right() {
        let bytes = ticket().escpos(PaperWidth::Mm58);
        let dish = format!("宫保鸡丁{}×2\n", " ".repeat(32 - 8 - 3));
        assert!(has(&bytes, &[TALL, &gb(&dish)]), "{bytes:02X?}");
        // A long name wraps at 32 columns, whole characters, the quantity on its last line.
        let long = [
            "招牌秘制酱香大骨头配手工宽面条加\n",
            "量版                        ×12\n",
        ];
        assert!(has(&bytes, &[TALL, &gb(long[0]), &gb(long[1])]), "{bytes:02X?}");
        assert!(long.iter().all(|l| columns(l.trim_end()) <= 32));
    }

    #[test]
    fn each_remark_is_bold_and_wrapped_at_the_paper_width() {
        let bytes = ticket().escpos(PaperWidth::Mm58);
        assert!(has(&bytes, &[BOLD_ON, &gb("备注：少辣\n"), BOLD_OFF]));
        let long = [
            "备注：不要香菜，不要葱，汤多一点\n",
            "，面要硬一些 extra noodles\n",
            "please\n",
        ];
        assert!(has(&bytes, &[BOLD_ON, &gb(&long.concat()), BOLD_OFF]), "{bytes:02X?}");
        let on_80 = ticket().escpos(PaperWidth::Mm80);
        let long_80 = [
            "备注：不要香菜，不要葱，汤多一点，面要硬一些\n",
            "extra noodles please\n",
        ];
        assert!(
            has(&on_80, &[BOLD_ON, &gb(&long_80.concat()), BOLD_OFF]),
            "{on_80:02X?}"
        );
    }

    #[test]
    fn the_printer_name_is_at_the_bottom() {
        let bytes = ticket().escpos(PaperWidth::Mm80);
        let name = find(&bytes, &gb("厨房打印机 · 老王面馆\n")).expect("printer name");
        assert!(name > find(&bytes, &gb("备注：少辣")).expect("remark"));
    }

    fn receipt(qr_link: Option<&str>) -> Receipt {
        Receipt {
            store_name: "老王面馆".into(),
            table_number: "A12".into(),
            number: "BL202405010003".into(),
            lines: vec![
                ReceiptLine {
                    name: "宫保鸡丁".into(),
                    quantity: 2,
                    amount: Money::from_cents(7600),
                },
                ReceiptLine {
                    name: "米饭".into(),
                    quantity: 3,
                    amount: Money::from_cents(600),
                },
            ],
            total: Money::from_cents(8200),
            paid_by: "微信支付".into(),
            at_ms: AT_MS,
            utc_offset_minutes: 480,
            qr_link: qr_link.map(str::to_string),
        }
    }

    #[test]
    fn a_receipt_has_the_store_items_with_prices_total_and_payment() {
        let bytes = receipt(None).escpos(PaperWidth::Mm58);
        assert!(has(&bytes, &[DOUBLE, &gb("老王面馆\n")]));
        assert!(has(
            &bytes,
            &[&gb("桌号 A12\n单号 BL202405010003\n时间 2024-05-01 12:34\n")]
        ));
        let rows = ["宫保鸡丁 ×2             ￥76.00\n", "米饭 ×3                  ￥6.00\n"];
        assert!(rows.iter().all(|r| columns(r.trim_end()) == 32));
        assert!(has(&bytes, &[&gb(&rows.concat())]), "{bytes:02X?}");
        assert!(has(
            &bytes,
            &[BOLD_ON, &gb("合计                     ￥82.00\n"), BOLD_OFF]
        ));
        assert!(has(&bytes, &[&gb("支付方式                微信支付\n")]));
        assert!(has(&bytes, &[&gb("谢谢惠顾\n")]));
        assert!(find(&bytes, &[0x1D, b'(', b'k']).is_none(), "no link, no QR code");
    }

    #[test]
    fn a_receipt_prints_the_link_as_a_qr_code() {
        let link = "https://orderbell.example/t/8Hk2x";
        let bytes = receipt(Some(link)).escpos(PaperWidth::Mm80);
        let stored = [&[0x1D, b'(', b'k', 36, 0, 49, 80, 48][..], link.as_bytes()].concat();
        let qr = find(&bytes, &stored).expect("QR code stored");
        assert!(qr < find(&bytes, &gb("谢谢惠顾")).expect("thanks"));
    }

    #[test]
    fn the_test_page_shows_the_width_with_a_full_ruler_and_a_qr_code() {
        for (paper, ruler) in [
            (PaperWidth::Mm58, "12345678901234567890123456789012\n"),
            (PaperWidth::Mm80, "123456789012345678901234567890123456789012345678\n"),
        ] {
            let bytes = test_page("前台打印机", paper, AT_MS, 480);
            assert!(has(&bytes, &[DOUBLE, &gb("打印测试\n")]));
            assert!(has(&bytes, &[&gb("前台打印机\n")]));
            assert!(has(&bytes, &[&gb(ruler)]), "{paper:?}");
            let chinese_ruler = format!("{}\n", "中".repeat(paper.columns() / 2));
            assert!(has(&bytes, &[&gb(&chinese_ruler)]), "{paper:?}");
            assert!(
                find(&bytes, &[0x1D, b'(', b'k', 3, 0, 49, 81, 48]).is_some(),
                "QR printed"
            );
            assert!(bytes.ends_with(CUT));
        }
        let bytes = test_page("前台打印机", PaperWidth::Mm58, AT_MS, 480);
        assert!(has(&bytes, &[&gb("纸宽 58 毫米，每行 32 字符\n")]));
    }
}
