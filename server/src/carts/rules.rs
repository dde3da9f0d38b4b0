//! The rules of a cart change, apart from any storage: inside the change's transaction the
//! current line and dish are read, [`plan`] decides what to write, and that is written. A change
//! that breaks a rule is refused before anything is written.

use crate::domain::carts::{LineState, LineWrite};
use crate::domain::menu::DishRow;
use crate::domain::tables::TableRow;
use crate::error::{Error, Result};

pub const MAX_QUANTITY: u32 = 99;
pub const MAX_REMARK_CHARS: usize = 100;

/// A change to a table's cart whose input has been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CartChange {
    Add {
        dish_id: i64,
        quantity: u32,
        remark: Option<String>,
        diner_id: i64,
    },
    SetQuantity {
        dish_id: i64,
        quantity: u32,
    },
    Remove {
        dish_id: i64,
    },
    Clear,
}

impl CartChange {
    pub fn add(dish_id: i64, quantity: u32, remark: Option<String>, diner_id: i64) -> Result<Self> {
        Ok(CartChange::Add {
            dish_id,
            quantity: checked_quantity(quantity)?,
            remark: checked_remark(remark)?,
            diner_id,
        })
    }

    pub fn set_quantity(dish_id: i64, quantity: u32) -> Result<Self> {
        Ok(CartChange::SetQuantity {
            dish_id,
            quantity: checked_quantity(quantity)?,
        })
    }

    /// The dish the change is about; `None` for a clear.
    pub fn dish_id(&self) -> Option<i64> {
        match self {
            CartChange::Add { dish_id, .. }
            | CartChange::SetQuantity { dish_id, .. }
            | CartChange::Remove { dish_id } => Some(*dish_id),
            CartChange::Clear => None,
        }
    }
}

fn checked_quantity(quantity: u32) -> Result<u32> {
    if (1..=MAX_QUANTITY).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(Error::invalid(
            "invalid_quantity",
            format!("数量必须在 1 到 {MAX_QUANTITY} 之间"),
        ))
    }
}

/// Trims the remark; an empty one is no remark.
fn checked_remark(remark: Option<String>) -> Result<Option<String>> {
    let Some(remark) = remark else { return Ok(None) };
    let trimmed = remark.trim();
    if trimmed.chars().count() > MAX_REMARK_CHARS {
        return Err(Error::invalid(
            "remark_too_long",
            format!("备注最多 {MAX_REMARK_CHARS} 个字"),
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

/// 409 `dish_sold_out`: 估清 since the menu was read.
pub fn sold_out(name: &str) -> Error {
    Error::Conflict {
        code: "dish_sold_out",
        message: format!("「{name}」已估清（卖完了），请选别的菜"),
        current: None,
    }
}

/// Decide the write for `change`, given the table, the dish it names (if any) and that dish's
/// current line in the cart (if any).
pub fn plan(
    change: &CartChange,
    table: &TableRow,
    dish: Option<&DishRow>,
    current: Option<&LineState>,
) -> Result<LineWrite> {
    let not_in_cart = |dish_id| Error::NotFound {
        code: "item_not_in_cart",
        what: "购物车中的菜品",
        id: dish_id,
    };
    match change {
        CartChange::Add {
            dish_id,
            quantity,
            remark,
            diner_id,
        } => {
            let dish = dish.filter(|d| d.store_id == table.store_id).ok_or(Error::NotFound {
                code: "dish_not_found",
                what: "菜品",
                id: *dish_id,
            })?;
            if !dish.orderable() {
                return Err(sold_out(&dish.name));
            }
            let line = match current {
                Some(line) => {
                    let total = line.quantity + quantity;
                    if total > MAX_QUANTITY {
                        return Err(Error::invalid(
                            "invalid_quantity",
                            format!("{} 已有 {} 份，最多 {MAX_QUANTITY} 份", dish.name, line.quantity),
                        ));
                    }
                    // The line stays the first adder's; a new remark replaces the old one.
                    LineState {
                        quantity: total,
                        remark: remark.clone().or_else(|| line.remark.clone()),
                        diner_id: line.diner_id,
                    }
                }
                None => LineState {
                    quantity: *quantity,
                    remark: remark.clone(),
                    diner_id: Some(*diner_id),
                },
            };
            Ok(LineWrite::Upsert {
                dish_id: *dish_id,
                line,
            })
        }
        CartChange::SetQuantity { dish_id, quantity } => {
            let line = current.ok_or_else(|| not_in_cart(*dish_id))?;
            // Fewer of a sold-out dish is fine (on the way to removing it); more is not.
            if let Some(dish) = dish.filter(|d| !d.orderable() && *quantity > line.quantity) {
                return Err(sold_out(&dish.name));
            }
            Ok(LineWrite::Upsert {
                dish_id: *dish_id,
                line: LineState {
                    quantity: *quantity,
                    ..line.clone()
                },
            })
        }
        CartChange::Remove { dish_id } => {
            current.ok_or_else(|| not_in_cart(*dish_id))?;
            Ok(LineWrite::Delete { dish_id: *dish_id })
        }
        CartChange::Clear => Ok(LineWrite::DeleteAll),
    }
}

#[cfg(test)]
mod tests {
    use orderbell_shared::{CuisineType, Money};

    use super::*;

    fn table() -> TableRow {
        TableRow {
            id: 1,
            store_id: 1,
            number: "A01".into(),
        }
    }

    fn dish(store_id: i64) -> DishRow {
        DishRow {
            id: 7,
            store_id,
            category_id: 1,
            position: 0,
            name: "宫保鸡丁".into(),
            kind: CuisineType::Single,
            photo: None,
            description: None,
            price: Money::from_cents(3800),
            sold_out: false,
            part_sold_out: false,
        }
    }

    #[test]
    fn quantities_outside_1_to_99_are_refused() {
        assert!(CartChange::add(7, 0, None, 1).is_err());
        assert!(CartChange::add(7, 100, None, 1).is_err());
        assert!(CartChange::set_quantity(7, 99).is_ok());
    }

    #[test]
    fn remarks_are_trimmed_and_bounded_in_characters() {
        let ok = CartChange::add(7, 1, Some(format!(" {} ", "辣".repeat(MAX_REMARK_CHARS))), 1);
        assert!(ok.is_ok(), "100 Chinese characters are 300 bytes but within the limit");
        assert!(CartChange::add(7, 1, Some("辣".repeat(MAX_REMARK_CHARS + 1)), 1).is_err());
        let blank = CartChange::add(7, 1, Some("  ".into()), 1).expect("blank remark is fine");
        assert_eq!(
            blank,
            CartChange::Add {
                dish_id: 7,
                quantity: 1,
                remark: None,
                diner_id: 1
            }
        );
    }

    #[test]
    fn adding_to_a_line_keeps_its_adder_and_caps_the_total() {
        let change = CartChange::add(7, 2, None, 42).expect("valid");
        let current = LineState {
            quantity: 3,
            remark: Some("少辣".into()),
            diner_id: Some(5),
        };
        let write = plan(&change, &table(), Some(&dish(1)), Some(&current)).expect("allowed");
        assert_eq!(
            write,
            LineWrite::Upsert {
                dish_id: 7,
                line: LineState {
                    quantity: 5,
                    remark: Some("少辣".into()),
                    diner_id: Some(5)
                }
            }
        );
        let full = LineState {
            quantity: 98,
            ..current
        };
        assert!(
            plan(&change, &table(), Some(&dish(1)), Some(&full)).is_err(),
            "98 + 2 passes 99"
        );
    }

    #[test]
    fn dishes_of_another_store_are_unknown() {
        let change = CartChange::add(7, 1, None, 1).expect("valid");
        let err = plan(&change, &table(), Some(&dish(2)), None).expect_err("another store's dish");
        assert_eq!(err.code(), "dish_not_found");
    }

    #[test]
    fn a_sold_out_dish_is_not_added_or_raised_but_may_be_lowered() {
        let gone = DishRow {
            sold_out: true,
            ..dish(1)
        };
        let add = CartChange::add(7, 1, None, 1).expect("valid");
        let err = plan(&add, &table(), Some(&gone), None).expect_err("sold out");
        assert_eq!((err.code(), err.status().as_u16()), ("dish_sold_out", 409));
        let line = LineState {
            quantity: 3,
            remark: None,
            diner_id: Some(1),
        };
        let more = CartChange::set_quantity(7, 4).expect("valid");
        assert!(plan(&more, &table(), Some(&gone), Some(&line)).is_err());
        let fewer = CartChange::set_quantity(7, 2).expect("valid");
        assert!(plan(&fewer, &table(), Some(&gone), Some(&line)).is_ok());
    }

    #[test]
    fn changing_a_line_that_is_not_there_is_refused() {
        let err = plan(&CartChange::Remove { dish_id: 7 }, &table(), Some(&dish(1)), None).expect_err("absent");
        assert_eq!(err.code(), "item_not_in_cart");
    }
}
