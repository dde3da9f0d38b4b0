//! Our pages read back by the fake printer's decoder, written apart from our byte builder from
//! the ESC/POS documentation: what the kitchen and the customer see on paper, line by line.

use orderbell_fakeprinter::{Align, PrintedLine, decode};
use orderbell_shared::money::Money;
use orderbell_shared::printing::PaperWidth;

use super::layout::{KitchenTicket, Receipt, ReceiptLine, TicketKind, TicketLine};

/// 2024-05-01 04:34 UTC: 12:34 in Shanghai.
const AT_MS: i64 = 1_714_538_040_000;

fn line(text: &str, bold: bool, size: (u8, u8), align: Align) -> PrintedLine {
    PrintedLine {
        text: text.to_string(),
        bold,
        width: size.0,
        height: size.1,
        align,
    }
}

#[test]
fn a_kitchen_ticket_on_58mm_reads_back_line_by_line() {
    let ticket = KitchenTicket {
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
                name: "招牌秘制酱香大骨头配手工宽面条加量版".into(),
                quantity: 12,
                remark: Some("不要香菜，不要葱，汤多一点，面要硬一些 extra noodles please".into()),
            },
        ],
    };
    let printed = decode(&ticket.escpos(PaperWidth::Mm58));
    assert_eq!(printed.len(), 1, "one ticket, cut once");
    assert!(printed[0].cut);
    assert!(
        printed[0].notes.is_empty(),
        "every command understood: {:?}",
        printed[0].notes
    );
    let (big, tall, normal) = ((2, 2), (1, 2), (1, 1));
    let ruler = "-".repeat(32);
    let expected = [
        line("桌号 A12", true, big, Align::Center),
        line("加菜 第2轮", true, big, Align::Center),
        line("单号 OB202405010007", false, normal, Align::Left),
        line("时间 2024-05-01 12:34", false, normal, Align::Left),
        line(&ruler, false, normal, Align::Left),
        line("宫保鸡丁                     ×2", false, tall, Align::Left),
        line("备注：少辣", true, normal, Align::Left),
        line("招牌秘制酱香大骨头配手工宽面条加", false, tall, Align::Left),
        line("量版                        ×12", false, tall, Align::Left),
        line("备注：不要香菜，不要葱，汤多一", true, normal, Align::Left),
        line("点，面要硬一些 extra noodles", true, normal, Align::Left),
        line("please", true, normal, Align::Left),
        line(&ruler, false, normal, Align::Left),
        line("厨房打印机 · 老王面馆", false, normal, Align::Center),
    ];
    let lines: Vec<_> = printed[0]
        .lines
        .iter()
        .filter(|l| !l.text.is_empty())
        .cloned()
        .collect();
    assert_eq!(lines, expected, "{}", printed[0].text());
}

#[test]
fn a_receipt_on_80mm_reads_back_with_its_qr_code() {
    let receipt = Receipt {
        store_name: "老王面馆".into(),
        table_number: "A12".into(),
        number: "BL202405010003".into(),
        lines: vec![ReceiptLine {
            name: "宫保鸡丁".into(),
            quantity: 2,
            amount: Money::from_cents(7600),
        }],
        total: Money::from_cents(7600),
        paid_by: "支付宝".into(),
        at_ms: AT_MS,
        utc_offset_minutes: 480,
        qr_link: Some("https://orderbell.example/t/8Hk2x".into()),
    };
    let printed = decode(&receipt.escpos(PaperWidth::Mm80));
    assert_eq!(printed.len(), 1);
    let texts: Vec<&str> = printed[0]
        .lines
        .iter()
        .map(|l| l.text.as_str())
        .filter(|t| !t.is_empty())
        .collect();
    let pad = |left: &str, right: &str| {
        let used = super::columns::columns(left) + super::columns::columns(right);
        format!("{left}{}{right}", " ".repeat(48 - used))
    };
    let expected = [
        "老王面馆".to_string(),
        "桌号 A12".into(),
        "单号 BL202405010003".into(),
        "时间 2024-05-01 12:34".into(),
        "-".repeat(48),
        pad("宫保鸡丁 ×2", "￥76.00"),
        "-".repeat(48),
        pad("合计", "￥76.00"),
        pad("支付方式", "支付宝"),
        "谢谢惠顾".into(),
    ];
    assert_eq!(texts, expected, "{}", printed[0].text());
    assert_eq!(printed[0].qr_codes, ["https://orderbell.example/t/8Hk2x"]);
}
