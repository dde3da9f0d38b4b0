//! The rules of a menu change, apart from storage and HTTP: what a name, a price, a set meal and
//! a new order must be, and what may not be removed. Each refusal says, in Chinese, what to fix.

use orderbell_shared::menu::{DishInput, SetItemInput};
use orderbell_shared::{CuisineType, Money};
use rust_decimal::Decimal;

use crate::domain::menu::{DishRow, Menu};
use crate::error::{Error, Result};

pub const MAX_CATEGORY_NAME: usize = 20;
pub const MAX_DISH_NAME: usize = 40;
pub const MAX_DESCRIPTION: usize = 200;
/// 99999.99 yuan: more than any dish costs, and what the fen column and a receipt can show.
pub const MAX_PRICE_CENTS: i64 = 9_999_999;
pub const MAX_SET_QUANTITY: u32 = 99;

/// What a set meal holds: (dish id, how many), in the set's order.
pub type Contents = Vec<(i64, u32)>;

/// A category's or dish's name, trimmed: not empty, not too long.
pub fn name(raw: &str, what: &str, max: usize) -> Result<String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid("invalid_name", format!("请填写{what}名称")));
    }
    if trimmed.chars().count() > max {
        return Err(Error::invalid("invalid_name", format!("{what}名称最多 {max} 个字")));
    }
    Ok(trimmed.to_owned())
}

/// A price in yuan as written (`38`, `38.5`, `38.50`): exact, more than 0, at most 99999.99, and
/// no finer than a fen.
pub fn price(raw: &str) -> Result<Money> {
    let invalid = |message: &str| Error::invalid("invalid_price", message.to_owned());
    let amount =
        Decimal::from_str_exact(raw.trim()).map_err(|_| invalid("价格必须是数字，单位元，例如 38 或 38.50"))?;
    if amount.is_sign_negative() || amount.is_zero() {
        return Err(invalid("价格必须大于 0 元"));
    }
    let money = Money::from_decimal(amount).ok_or_else(|| invalid("价格最多两位小数（精确到分），例如 38.50"))?;
    if money.cents() > MAX_PRICE_CENTS {
        return Err(invalid("价格不能超过 99999.99 元"));
    }
    Ok(money)
}

/// A description, trimmed; an empty one is none.
pub fn description(raw: &str) -> Result<Option<String>> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > MAX_DESCRIPTION {
        return Err(Error::invalid(
            "invalid_description",
            format!("描述最多 {MAX_DESCRIPTION} 个字"),
        ));
    }
    Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
}

fn duplicate(what: &str, name: &str) -> Error {
    Error::Conflict {
        code: "duplicate_name",
        message: format!("已经有叫「{name}」的{what}了，请换一个名称"),
        current: None,
    }
}

/// No other category of the menu has this name.
pub fn unique_category(menu: &Menu, name: &str, except: Option<i64>) -> Result<()> {
    match menu.categories.iter().any(|c| c.name == name && Some(c.id) != except) {
        true => Err(duplicate("分类", name)),
        false => Ok(()),
    }
}

/// No other dish of the menu has this name.
pub fn unique_dish(menu: &Menu, name: &str, except: Option<i64>) -> Result<()> {
    match menu.dishes.iter().any(|d| d.name == name && Some(d.id) != except) {
        true => Err(duplicate("菜品", name)),
        false => Ok(()),
    }
}

pub fn category_not_found(category_id: i64) -> Error {
    Error::NotFound {
        code: "category_not_found",
        what: "分类",
        id: category_id,
    }
}

pub fn dish_not_found(dish_id: i64) -> Error {
    Error::NotFound {
        code: "dish_not_found",
        what: "菜品",
        id: dish_id,
    }
}

/// `wanted` names exactly the ids of `current`, each once: a new order, nothing added or lost.
pub fn reorder(current: &[i64], wanted: &[i64]) -> Result<()> {
    let mut a = current.to_vec();
    let mut b = wanted.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    if a == b {
        Ok(())
    } else {
        Err(Error::invalid(
            "invalid_order",
            format!("新的顺序要把现有的 {} 项各列一次，不多不少", current.len()),
        ))
    }
}

/// A category may go only once it holds no dish.
pub fn removable_category(menu: &Menu, category_id: i64) -> Result<()> {
    let category = menu
        .category(category_id)
        .ok_or_else(|| category_not_found(category_id))?;
    let held = menu.dishes.iter().filter(|d| d.category_id == category_id).count();
    if held > 0 {
        return Err(Error::Conflict {
            code: "category_not_empty",
            message: format!(
                "分类「{}」里还有 {held} 道菜，请先把它们移到别的分类或删除",
                category.name
            ),
            current: None,
        });
    }
    Ok(())
}

/// A dish may go only while no set meal holds it.
pub fn removable_dish(menu: &Menu, dish_id: i64) -> Result<()> {
    let dish = menu.dish(dish_id).ok_or_else(|| dish_not_found(dish_id))?;
    let sets: Vec<&str> = menu
        .set_items
        .iter()
        .filter(|i| i.dish_id == dish_id)
        .filter_map(|i| menu.dish(i.set_id).map(|s| s.name.as_str()))
        .collect();
    if !sets.is_empty() {
        return Err(Error::Conflict {
            code: "dish_in_set",
            message: format!("「{}」在套餐「{}」里，请先从套餐中去掉它", dish.name, sets.join("」「")),
            current: None,
        });
    }
    Ok(())
}

/// What a set meal holds: a set has one or more single dishes of this menu, each once, 1–99 of
/// each; a single dish holds nothing.
pub fn set_contents(menu: &Menu, kind: CuisineType, items: &[SetItemInput]) -> Result<Contents> {
    let invalid = |message: String| Error::invalid("invalid_set_items", message);
    match kind {
        CuisineType::Single if items.is_empty() => return Ok(Vec::new()),
        CuisineType::Single => return Err(invalid("单品不能有套餐内容；要做套餐请把类型设为套餐".into())),
        CuisineType::SetMeal if items.is_empty() => return Err(invalid("套餐至少要包含一道菜".into())),
        CuisineType::SetMeal => {}
    }
    let mut contents: Vec<(i64, u32)> = Vec::with_capacity(items.len());
    for item in items {
        let dish = menu
            .dish(item.cuisine_id)
            .ok_or_else(|| invalid(format!("套餐里的菜品 {} 不在菜单上", item.cuisine_id)))?;
        if dish.kind == CuisineType::SetMeal {
            return Err(invalid(format!("套餐里不能再放套餐（「{}」）", dish.name)));
        }
        if !(1..=MAX_SET_QUANTITY).contains(&item.quantity) {
            return Err(invalid(format!(
                "「{}」的份数必须在 1 到 {MAX_SET_QUANTITY} 之间",
                dish.name
            )));
        }
        if contents.iter().any(|(id, _)| *id == dish.id) {
            return Err(invalid(format!(
                "「{}」在套餐里列了两次，请合并成一项写份数",
                dish.name
            )));
        }
        contents.push((dish.id, item.quantity));
    }
    Ok(contents)
}

/// A dish as `input` makes it: a new one (`current` none; name, category and price required) or
/// `current` with the fields `input` sends. Also the set contents to write, if they change.
pub fn dish(menu: &Menu, current: Option<&DishRow>, input: &DishInput) -> Result<(DishRow, Option<Contents>)> {
    let required = |what: &str| Error::invalid("missing_field", format!("请填写{what}"));
    let name = match (&input.cuisine_name, current) {
        (Some(raw), _) => name(raw, "菜品", MAX_DISH_NAME)?,
        (None, Some(dish)) => dish.name.clone(),
        (None, None) => return Err(required("菜名（cuisineName）")),
    };
    unique_dish(menu, &name, current.map(|d| d.id))?;
    let category_id = match (input.category_id, current) {
        (Some(id), _) => menu.category(id).ok_or_else(|| category_not_found(id))?.id,
        (None, Some(dish)) => dish.category_id,
        (None, None) => return Err(required("分类（categoryId）")),
    };
    let price = match (&input.unit_price, current) {
        (Some(raw), _) => price(&raw.0)?,
        (None, Some(dish)) => dish.price,
        (None, None) => return Err(required("价格（unitPrice）")),
    };
    let description = match (&input.description, current) {
        (Some(raw), _) => description(raw)?,
        (None, Some(dish)) => dish.description.clone(),
        (None, None) => None,
    };
    let kind = input
        .cuisine_type
        .or(current.map(|d| d.kind))
        .unwrap_or(CuisineType::Single);
    let contents = match (&input.set_items, current) {
        (Some(items), _) => Some(set_contents(menu, kind, items)?),
        // A set turned single sheds its contents; a dish turned set must say what it holds.
        (None, Some(dish)) if dish.kind != kind => Some(set_contents(menu, kind, &[])?),
        (None, Some(_)) => None,
        (None, None) => Some(set_contents(menu, kind, &[])?),
    };
    if let (Some(dish), Some(items)) = (current, &contents)
        && items.iter().any(|(id, _)| *id == dish.id)
    {
        return Err(Error::invalid("invalid_set_items", "套餐不能包含它自己"));
    }
    if let Some(dish) = current
        && kind == CuisineType::SetMeal
        && menu.set_items.iter().any(|i| i.dish_id == dish.id)
    {
        return Err(Error::invalid(
            "invalid_set_items",
            format!("「{}」在别的套餐里，不能改成套餐", dish.name),
        ));
    }
    let position = match current {
        Some(dish) if dish.category_id == category_id => dish.position,
        // A dish new to its category goes to the end of it.
        _ => next_position(menu, category_id),
    };
    let dish = DishRow {
        id: current.map_or(0, |d| d.id),
        store_id: menu.store.id,
        category_id,
        position,
        name,
        kind,
        photo: current.and_then(|d| d.photo.clone()),
        description,
        price,
        sold_out: current.is_some_and(|d| d.sold_out),
        part_sold_out: current.is_some_and(|d| d.part_sold_out),
    };
    Ok((dish, contents))
}

fn next_position(menu: &Menu, category_id: i64) -> i64 {
    menu.dishes
        .iter()
        .filter(|d| d.category_id == category_id)
        .map(|d| d.position + 1)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use orderbell_shared::menu::PriceInput;

    use super::*;
    use crate::domain::menu::{CategoryRow, SetItemRow};
    use crate::domain::stores::StoreRow;

    fn menu() -> Menu {
        let dish = |id, name: &str, kind| DishRow {
            id,
            store_id: 1,
            category_id: 10,
            position: id,
            name: name.into(),
            kind,
            photo: None,
            description: None,
            price: Money::from_cents(1000),
            sold_out: false,
            part_sold_out: false,
        };
        Menu {
            store: StoreRow {
                id: 1,
                name: "小馆".into(),
            },
            version: 3,
            categories: vec![CategoryRow {
                id: 10,
                name: "热菜".into(),
                position: 0,
            }],
            dishes: vec![
                dish(1, "宫保鸡丁", CuisineType::Single),
                dish(2, "米饭", CuisineType::Single),
                dish(3, "套餐A", CuisineType::SetMeal),
            ],
            set_items: vec![SetItemRow {
                set_id: 3,
                dish_id: 2,
                quantity: 1,
            }],
        }
    }

    #[test]
    fn prices_are_exact_positive_bounded_and_in_fen() {
        assert_eq!(price("38.5").ok(), Some(Money::from_cents(3850)));
        assert_eq!(price("0.01").ok(), Some(Money::from_cents(1)));
        assert_eq!(price("99999.99").ok(), Some(Money::from_cents(MAX_PRICE_CENTS)));
        assert_eq!(
            price("1.500").ok(),
            Some(Money::from_cents(150)),
            "trailing zeros are exact"
        );
        for bad in ["0", "-1", "100000", "12.345", "abc", "", "1e3", "NaN"] {
            assert_eq!(
                price(bad).map_err(|e| e.code()),
                Err("invalid_price"),
                "{bad:?} must be refused"
            );
        }
    }

    #[test]
    fn names_are_trimmed_and_never_empty() {
        assert_eq!(name("  凉菜 ", "分类", MAX_CATEGORY_NAME).ok(), Some("凉菜".into()));
        assert!(name("   ", "分类", MAX_CATEGORY_NAME).is_err());
        assert!(name(&"菜".repeat(MAX_CATEGORY_NAME + 1), "分类", MAX_CATEGORY_NAME).is_err());
    }

    #[test]
    fn names_are_unique_within_the_menu() {
        let menu = menu();
        assert_eq!(
            unique_dish(&menu, "米饭", None).map_err(|e| e.code()),
            Err("duplicate_name")
        );
        assert!(unique_dish(&menu, "米饭", Some(2)).is_ok(), "a dish keeps its own name");
        assert!(unique_category(&menu, "热菜", None).is_err());
    }

    #[test]
    fn a_category_with_dishes_and_a_dish_in_a_set_stay() {
        let menu = menu();
        assert_eq!(
            removable_category(&menu, 10).map_err(|e| e.code()),
            Err("category_not_empty")
        );
        assert_eq!(removable_dish(&menu, 2).map_err(|e| e.code()), Err("dish_in_set"));
        assert!(removable_dish(&menu, 1).is_ok());
    }

    #[test]
    fn set_meals_hold_single_dishes_of_the_menu() {
        let menu = menu();
        let item = |cuisine_id, quantity| SetItemInput { cuisine_id, quantity };
        assert_eq!(
            set_contents(&menu, CuisineType::SetMeal, &[item(1, 1), item(2, 2)]).ok(),
            Some(vec![(1, 1), (2, 2)])
        );
        for bad in [
            vec![],
            vec![item(3, 1)],
            vec![item(99, 1)],
            vec![item(1, 0)],
            vec![item(1, 1), item(1, 1)],
        ] {
            assert!(set_contents(&menu, CuisineType::SetMeal, &bad).is_err(), "{bad:?}");
        }
        assert!(set_contents(&menu, CuisineType::Single, &[item(1, 1)]).is_err());
    }

    #[test]
    fn a_new_dish_needs_name_category_and_price_and_goes_last() {
        let menu = menu();
        let input = DishInput {
            category_id: Some(10),
            cuisine_name: Some(" 鱼香肉丝 ".into()),
            unit_price: Some(PriceInput("32".into())),
            ..DishInput::default()
        };
        let (dish, contents) = dish(&menu, None, &input).expect("a valid new dish");
        assert_eq!(
            (dish.name.as_str(), dish.price, dish.position),
            ("鱼香肉丝", Money::from_cents(3200), 4)
        );
        assert_eq!(contents, Some(vec![]));
        let no_price = DishInput {
            unit_price: None,
            ..input
        };
        assert_eq!(
            super::dish(&menu, None, &no_price).map_err(|e| e.code()).err(),
            Some("missing_field")
        );
    }

    #[test]
    fn an_edit_keeps_what_it_does_not_send() {
        let menu = menu();
        let current = menu.dish(1).expect("dish").clone();
        let input = DishInput {
            unit_price: Some(PriceInput("42.80".into())),
            ..DishInput::default()
        };
        let (dish, contents) = dish(&menu, Some(&current), &input).expect("a price change");
        assert_eq!(
            dish,
            DishRow {
                price: Money::from_cents(4280),
                ..current
            }
        );
        assert_eq!(contents, None, "set contents untouched");
    }
}
