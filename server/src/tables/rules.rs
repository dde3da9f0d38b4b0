//! What a table and an area may be called, and the order the owner sees them in: areas as they
//! were first used, tables in number order (A2 before A10).

use std::cmp::Ordering;

use crate::domain::tables::PlacedTable;
use crate::error::{Error, Result};

/// The area of a table added without one.
pub const DEFAULT_AREA: &str = "大厅";

/// Longest table number or area name, in characters: it must fit the QR sheet's card.
const MAX_CHARS: usize = 16;

/// A table number as it will be stored: trimmed, 1–16 characters, no control characters.
pub fn table_number(raw: &str) -> Result<String> {
    name(raw).ok_or_else(|| {
        Error::invalid(
            "invalid_table_number",
            format!("桌号不能为空，最多 {MAX_CHARS} 个字，不能含换行等控制字符：请换一个桌号"),
        )
    })
}

/// An area name as it will be stored, with the same limits as a table number.
pub fn area_name(raw: &str) -> Result<String> {
    name(raw).ok_or_else(|| {
        Error::invalid(
            "invalid_area",
            format!("区域名称不能为空，最多 {MAX_CHARS} 个字，不能含换行等控制字符：请换一个名称"),
        )
    })
}

fn name(raw: &str) -> Option<String> {
    let name = raw.trim();
    let fits = (1..=MAX_CHARS).contains(&name.chars().count());
    (fits && !name.chars().any(char::is_control)).then(|| name.to_owned())
}

/// The tables grouped by area: areas in the order their first table was added, tables in each
/// in number order.
pub fn by_area(mut tables: Vec<PlacedTable>) -> Vec<(String, Vec<PlacedTable>)> {
    tables.sort_by_key(|t| t.id);
    let mut areas: Vec<(String, Vec<PlacedTable>)> = Vec::new();
    for table in tables {
        match areas.iter_mut().find(|(name, _)| *name == table.area) {
            Some((_, members)) => members.push(table),
            None => areas.push((table.area.clone(), vec![table])),
        }
    }
    for (_, members) in &mut areas {
        members.sort_by(|a, b| number_order(&a.number, &b.number));
    }
    areas
}

/// Numbers compared as people read them: runs of digits by their value.
fn number_order(a: &str, b: &str) -> Ordering {
    chunks(a).cmp(&chunks(b)).then_with(|| a.cmp(b))
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Chunk {
    Digits(u64),
    Text(String),
}

fn chunks(number: &str) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut rest = number;
    while let Some(first) = rest.chars().next() {
        let digit = first.is_ascii_digit();
        let end = rest.find(|c: char| c.is_ascii_digit() != digit).unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        out.push(match run.parse() {
            Ok(value) if digit => Chunk::Digits(value),
            _ => Chunk::Text(run.to_owned()),
        });
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(id: i64, number: &str, area: &str) -> PlacedTable {
        PlacedTable {
            id,
            store_id: 1,
            number: number.to_owned(),
            area: area.to_owned(),
            link_generation: 0,
            occupied: false,
        }
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(table_number("  A01 ").ok().as_deref(), Some("A01"));
        assert_eq!(table_number("包间三").ok().as_deref(), Some("包间三"));
        assert_eq!(table_number(&"桌".repeat(16)).ok().map(|n| n.chars().count()), Some(16));
        for bad in ["", "   ", "A\n01", &"桌".repeat(17)] {
            let refused = table_number(bad).err().map(|e| e.code());
            assert_eq!(refused, Some("invalid_table_number"), "{bad:?} must be refused");
        }
        assert_eq!(area_name("").err().map(|e| e.code()), Some("invalid_area"));
    }

    #[test]
    fn areas_keep_the_order_they_were_first_used_in_and_tables_read_naturally() {
        let tables = vec![
            table(5, "包间2", "包间"),
            table(1, "A10", "大厅"),
            table(2, "A2", "大厅"),
            table(3, "包间1", "包间"),
            table(4, "A1", "大厅"),
        ];
        let grouped: Vec<(String, Vec<String>)> = by_area(tables)
            .into_iter()
            .map(|(area, t)| (area, t.into_iter().map(|t| t.number).collect()))
            .collect();
        assert_eq!(
            grouped,
            vec![
                (
                    "大厅".to_owned(),
                    vec!["A1".to_owned(), "A2".to_owned(), "A10".to_owned()]
                ),
                ("包间".to_owned(), vec!["包间1".to_owned(), "包间2".to_owned()]),
            ]
        );
    }
}
