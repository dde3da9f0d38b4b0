//! 日结 as a CSV a spreadsheet opens as it is: UTF-8 with a byte-order mark (Excel reads
//! Chinese right only with it), one row per order sold that day, then a blank line and the
//! summary as label–value rows. Amounts are plain numbers with two decimals.

use orderbell_shared::reports::DaySummary;

use super::rules;
use crate::domain::reports::BookedOrder;

pub const COLUMNS: [&str; 9] = [
    "时间",
    "订单号",
    "桌号",
    "轮次",
    "状态",
    "菜品",
    "金额",
    "结算方式",
    "结算时间",
];

pub fn day_csv(summary: &DaySummary, sold: &[BookedOrder]) -> Vec<u8> {
    let offset = summary.utc_offset_minutes;
    let mut orders = vec![COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
    for booked in sold {
        let order = &booked.order;
        orders.push(vec![
            rules::local_text(order.created_at, offset),
            order.order_no.clone(),
            text_cell(&order.table_number),
            order.round.map(|r| r.to_string()).unwrap_or_default(),
            order.status.label().to_owned(),
            text_cell(&dishes(booked)),
            order.total_amount.to_string(),
            booked.method.map(|m| m.label().to_owned()).unwrap_or_default(),
            booked
                .settled_at
                .map(|at| rules::local_text(at, offset))
                .unwrap_or_default(),
        ]);
    }
    let pair = |label: &str, value: String| vec![label.to_owned(), value];
    let mut totals = vec![
        pair("日期", summary.date.clone()),
        pair("营业额", summary.sales.to_string()),
    ];
    for method in &summary.by_method {
        totals.push(pair(&method.label, method.amount.to_string()));
    }
    totals.extend([
        pair("实收", summary.received.to_string()),
        pair("优惠/挂账/未结", summary.discounts.to_string()),
        pair("退款", summary.refunds.to_string()),
        pair("单数", summary.orders.to_string()),
        pair("桌数", summary.bills.to_string()),
        pair("人数", summary.covers.to_string()),
        pair("客单价", summary.average_ticket.to_string()),
    ]);
    let mut out = "\u{feff}".as_bytes().to_vec();
    write_rows(&mut out, &orders);
    // A truly empty line between the two parts (a CSV writer writes an empty record as `""`).
    out.extend_from_slice(b"\r\n");
    write_rows(&mut out, &totals);
    out
}

fn write_rows(out: &mut Vec<u8>, rows: &[Vec<String>]) {
    let mut writer = ::csv::WriterBuilder::new()
        .flexible(true)
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(row);
    }
    let _ = writer.flush();
}

/// Text the owner typed (a dish's name, a table's number), kept as text: a cell a spreadsheet
/// would read as a formula (`=`, `+`, `-`, `@`, a tab or a return first) gets a leading `'`.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// 「宫保鸡丁×2、米饭×1」: what is left of each line after 退菜.
fn dishes(booked: &BookedOrder) -> String {
    booked
        .order
        .items
        .iter()
        .filter_map(|i| {
            let left = i.quantity.saturating_sub(i.returned_quantity);
            (left > 0).then(|| format!("{}×{left}", i.cuisine_name))
        })
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn text_a_spreadsheet_would_run_as_a_formula_stays_text() {
        assert_eq!(text_cell("=HYPERLINK(\"http://x\")×1"), "'=HYPERLINK(\"http://x\")×1");
        assert_eq!(text_cell("+86 套餐×1"), "'+86 套餐×1");
        assert_eq!(text_cell("@桌"), "'@桌");
        assert_eq!(text_cell("宫保鸡丁×2、米饭×1"), "宫保鸡丁×2、米饭×1");
        assert_eq!(text_cell("A03"), "A03");
    }
}
