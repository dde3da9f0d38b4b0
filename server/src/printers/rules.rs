//! What a printer may be: its name, an address a printer can have, 1–5 copies, categories of the
//! store's menu. A POST fills in what it leaves out; a PATCH keeps it.

use std::net::IpAddr;

use orderbell_shared::printing::{PrintRules, PrinterChange, PrinterConnection, PrinterDTO};

use crate::domain::printers::PrinterWrite;
use crate::error::{Error, Result};

/// Longest printer name, in characters: it heads the test page and the offline banner.
const MAX_NAME: usize = 16;
/// Most copies of one ticket.
pub const MAX_COPIES: u8 = 5;
/// CUPS takes queue names of up to 127 bytes.
const MAX_QUEUE: usize = 127;

/// The printer a POST asks for, checked. `caller` (the calling device's credential id) prints to
/// it unless the body names another device.
pub fn new_printer(store_id: i64, change: &PrinterChange, caller: i64) -> Result<PrinterWrite> {
    let (Some(name), Some(role), Some(connection), Some(paper)) =
        (&change.name, change.role, &change.connection, change.paper)
    else {
        return Err(Error::invalid(
            "printer_incomplete",
            "请填写打印机的名称、用途（厨房、吧台或前台）、连接方式和纸宽",
        ));
    };
    Ok(PrinterWrite {
        store_id,
        name: printer_name(name)?,
        role,
        connection: connection_of(connection)?,
        paper,
        copies: copies(change.copies.unwrap_or(1))?,
        category_ids: distinct(change.category_ids.clone().unwrap_or_default()),
        rules: change.rules.unwrap_or(PrintRules::for_role(role)),
        device_id: change
            .device_id
            .as_deref()
            .map(device_id)
            .transpose()?
            .unwrap_or(caller),
        enabled: change.enabled.unwrap_or(true),
    })
}

/// `current` with what a PATCH changes, checked.
pub fn changed(current: &PrinterDTO, change: &PrinterChange) -> Result<PrinterWrite> {
    Ok(PrinterWrite {
        store_id: current.store_id,
        name: printer_name(change.name.as_deref().unwrap_or(&current.name))?,
        role: change.role.unwrap_or(current.role),
        connection: connection_of(change.connection.as_ref().unwrap_or(&current.connection))?,
        paper: change.paper.unwrap_or(current.paper),
        copies: copies(change.copies.unwrap_or(current.copies))?,
        category_ids: distinct(
            change
                .category_ids
                .clone()
                .unwrap_or_else(|| current.category_ids.clone()),
        ),
        rules: change.rules.unwrap_or(current.rules),
        device_id: device_id(change.device_id.as_deref().unwrap_or(&current.device_id))?,
        enabled: change.enabled.unwrap_or(current.enabled),
    })
}

/// Refuse a category the store's menu does not have (`known`: its category ids).
pub fn categories_known(ids: &[i64], known: &[i64]) -> Result<()> {
    match ids.iter().find(|id| !known.contains(id)) {
        None => Ok(()),
        Some(id) => Err(Error::invalid(
            "unknown_category",
            format!("分类 {id} 不在本店的菜单里：请刷新后重新勾选分类"),
        )),
    }
}

/// The refusal of a device that is not a live device of the store.
pub fn unknown_device() -> Error {
    Error::invalid("unknown_device", "没有这台设备，或它已被停用：请选择本店在用的设备")
}

fn printer_name(raw: &str) -> Result<String> {
    let name = raw.trim();
    let fits = (1..=MAX_NAME).contains(&name.chars().count());
    if fits && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(Error::invalid(
            "invalid_printer_name",
            format!("打印机名称不能为空，最多 {MAX_NAME} 个字，不能含换行等控制字符：请换一个名称，如「厨房打印机」"),
        ))
    }
}

/// The connection as it is stored: host and queue trimmed, the host in lower case.
fn connection_of(connection: &PrinterConnection) -> Result<PrinterConnection> {
    match connection {
        PrinterConnection::Network { host, port } => {
            let host = host.trim().to_lowercase();
            if !is_host(&host) {
                return Err(Error::invalid(
                    "invalid_printer_host",
                    format!("打印机地址「{host}」不对：请填写打印机的 IP 地址（如 192.168.1.50）或主机名"),
                ));
            }
            if *port == 0 {
                return Err(Error::invalid(
                    "invalid_printer_port",
                    "端口须在 1 到 65535 之间：网络打印机一般用 9100",
                ));
            }
            Ok(PrinterConnection::Network { host, port: *port })
        }
        PrinterConnection::System { queue } => {
            let queue = queue.trim();
            let fits = (1..=MAX_QUEUE).contains(&queue.len());
            if !fits
                || queue
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '#'))
            {
                return Err(Error::invalid(
                    "invalid_printer_queue",
                    format!(
                        "系统打印机的队列名不能为空，最多 {MAX_QUEUE} 个字符，不能含空格、/ 或 #：请照系统打印设置里的名称填写"
                    ),
                ));
            }
            Ok(PrinterConnection::System {
                queue: queue.to_owned(),
            })
        }
    }
}

/// An IP address, or a host name (letters, digits and hyphens in dot-separated labels).
fn is_host(host: &str) -> bool {
    if host.parse::<IpAddr>().is_ok() {
        return true;
    }
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    // A name of digits and dots only is an IP address that did not parse (192.168.1.300).
    let numeric = host.chars().all(|c| c.is_ascii_digit() || c == '.');
    host.len() <= 253 && !numeric && host.split('.').all(label_ok)
}

fn copies(copies: u8) -> Result<u8> {
    if (1..=MAX_COPIES).contains(&copies) {
        Ok(copies)
    } else {
        Err(Error::invalid(
            "invalid_copies",
            format!("每张单打印的份数须在 1 到 {MAX_COPIES} 之间：请重新选择"),
        ))
    }
}

fn device_id(raw: &str) -> Result<i64> {
    raw.trim().parse().map_err(|_| unknown_device())
}

fn distinct(mut ids: Vec<i64>) -> Vec<i64> {
    let mut seen = Vec::with_capacity(ids.len());
    ids.retain(|id| {
        let first = !seen.contains(id);
        seen.push(*id);
        first
    });
    ids
}

#[cfg(test)]
mod tests {
    use orderbell_shared::printing::{PaperWidth, PrinterRole};

    use super::*;

    fn network(host: &str, port: u16) -> PrinterConnection {
        PrinterConnection::Network {
            host: host.into(),
            port,
        }
    }

    fn code(result: Result<PrinterConnection>) -> &'static str {
        match result {
            Err(Error::Invalid { code, .. }) => code,
            other => panic!("refused, not {other:?}"),
        }
    }

    #[test]
    fn a_printer_is_reached_at_an_address_a_printer_can_have() {
        for host in ["192.168.1.50", "Kitchen-Printer.local", "fe80::1", "printer"] {
            assert!(connection_of(&network(host, 9100)).is_ok(), "{host}");
        }
        assert_eq!(
            connection_of(&network(" 192.168.1.50 ", 9100)).ok(),
            Some(network("192.168.1.50", 9100))
        );
        for host in ["", "192.168.1.300", "厨房", "a b", "-x.local", "host:9100"] {
            assert_eq!(
                code(connection_of(&network(host, 9100))),
                "invalid_printer_host",
                "{host:?}"
            );
        }
        assert_eq!(code(connection_of(&network("10.0.0.2", 0))), "invalid_printer_port");
        let queue = |q: &str| PrinterConnection::System { queue: q.into() };
        assert!(connection_of(&queue("POS-80")).is_ok());
        for q in ["", "two words", "a/b", "x#1"] {
            assert_eq!(code(connection_of(&queue(q))), "invalid_printer_queue", "{q:?}");
        }
    }

    #[test]
    fn a_new_printer_takes_the_role_rules_one_copy_and_the_calling_device() {
        let change = PrinterChange {
            name: Some(" 吧台打印机 ".into()),
            role: Some(PrinterRole::Bar),
            connection: Some(network("10.0.0.9", 9100)),
            paper: Some(PaperWidth::Mm58),
            category_ids: Some(vec![3, 3, 4]),
            ..PrinterChange::default()
        };
        let printer = new_printer(1, &change, 7).expect("complete");
        assert_eq!(printer.name, "吧台打印机");
        assert_eq!(printer.rules, PrintRules::for_role(PrinterRole::Bar));
        assert_eq!((printer.copies, printer.device_id, printer.enabled), (1, 7, true));
        assert_eq!(printer.category_ids, [3, 4], "a category counts once");

        let without_paper = PrinterChange {
            paper: None,
            ..change.clone()
        };
        assert!(matches!(
            new_printer(1, &without_paper, 7),
            Err(Error::Invalid {
                code: "printer_incomplete",
                ..
            })
        ));
        let six = PrinterChange {
            copies: Some(6),
            ..change
        };
        assert!(matches!(
            new_printer(1, &six, 7),
            Err(Error::Invalid {
                code: "invalid_copies",
                ..
            })
        ));
        assert!(categories_known(&[3, 9], &[3, 4]).is_err());
        assert!(categories_known(&[], &[]).is_ok());
    }
}
