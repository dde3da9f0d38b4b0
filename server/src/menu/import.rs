//! Checking a whole menu read from a file (see [`super::formats`]) before anything is written:
//! every problem is reported with its row, and an import with any problem changes nothing.
//! Pure: the rows and the current menu in, a plan or the list of problems out.

use std::collections::{HashMap, HashSet};

use orderbell_shared::menu::RowError;
use orderbell_shared::{CuisineType, Money};

use super::rules;
use crate::domain::menu::Menu;

/// More dishes than any restaurant's menu: a file this long is a mistake.
pub const MAX_DISHES: usize = 1000;

/// One dish as the file has it, before it is checked against the rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DraftRow {
    pub row: u32,
    pub category: String,
    pub id: Option<i64>,
    pub name: String,
    pub kind: Option<CuisineType>,
    pub price: String,
    pub description: String,
    pub set_items: Vec<(String, u32)>,
    pub sold_out: bool,
    pub photo: Option<String>,
}

/// A file read into rows: the categories in order (JSON may list empty ones) and the dishes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub categories: Vec<String>,
    pub rows: Vec<DraftRow>,
    pub errors: Vec<RowError>,
}

/// A checked dish, ready to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedDish {
    /// Where the file has it, for problems found later.
    pub row: u32,
    pub id: Option<i64>,
    pub category: String,
    pub position: i64,
    pub name: String,
    pub kind: CuisineType,
    pub price: Money,
    pub description: Option<String>,
    pub sold_out: bool,
    pub photo: Option<String>,
    /// By dish name, as the file says it.
    pub set_items: Vec<(String, u32)>,
}

/// The menu to be, all checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub categories: Vec<String>,
    pub dishes: Vec<PlannedDish>,
}

pub(super) fn error(row: u32, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

/// Check the whole draft against the rules and `menu` (whose dishes the ids must name), with
/// `photos` the photo names that are stored. Every problem found, or the plan.
pub fn check(menu: &Menu, draft: Draft, photos: &HashSet<String>) -> Result<Plan, Vec<RowError>> {
    let mut errors = draft.errors;
    if draft.rows.len() > MAX_DISHES {
        errors.push(RowError {
            row: 0,
            field: None,
            message: format!("一次最多导入 {MAX_DISHES} 道菜"),
        });
    }
    let mut categories = Vec::new();
    for name in &draft.categories {
        match rules::name(name, "分类", rules::MAX_CATEGORY_NAME) {
            Ok(name) if !categories.contains(&name) => categories.push(name),
            Ok(_) => {}
            Err(e) => {
                let row = draft.rows.iter().find(|r| &r.category == name).map_or(0, |r| r.row);
                errors.push(error(row, "分类", e.to_string()));
            }
        }
    }
    // Names and kinds across the file, to check set contents and duplicates.
    let mut kinds: HashMap<String, Option<CuisineType>> = HashMap::new();
    let mut ids = HashSet::new();
    let mut positions: HashMap<&str, i64> = HashMap::new();
    let mut dishes = Vec::with_capacity(draft.rows.len());
    for row in &draft.rows {
        let r = row.row;
        let name = match rules::name(&row.name, "菜品", rules::MAX_DISH_NAME) {
            Ok(name) => name,
            Err(e) => {
                errors.push(error(r, "菜名", e.to_string()));
                continue;
            }
        };
        if kinds.insert(name.clone(), row.kind).is_some() {
            errors.push(error(r, "菜名", format!("「{name}」出现了不止一次；菜名不能重复")));
        }
        if let Some(id) = row.id {
            if menu.dish(id).is_none() {
                errors.push(error(r, "编号", format!("菜单上没有编号 {id} 的菜；新菜请把编号留空")));
            } else if !ids.insert(id) {
                errors.push(error(r, "编号", format!("编号 {id} 出现了不止一次")));
            }
        }
        let price = rules::price(&row.price).map_err(|e| errors.push(error(r, "价格", e.to_string())));
        let description =
            rules::description(&row.description).map_err(|e| errors.push(error(r, "描述", e.to_string())));
        if let Some(photo) = &row.photo
            && !photos.contains(photo)
        {
            errors.push(error(
                r,
                "图片",
                format!("服务器上没有图片「{photo}」；留空，导入后再上传"),
            ));
        }
        let (Ok(price), Ok(description), Some(kind)) = (price, description, row.kind) else {
            continue;
        };
        let position = positions.entry(row.category.as_str()).or_insert(0);
        dishes.push(PlannedDish {
            row: r,
            id: row.id,
            category: row.category.trim().to_owned(),
            position: *position,
            name,
            kind,
            price,
            description,
            sold_out: row.sold_out,
            photo: row.photo.clone(),
            set_items: row.set_items.clone(),
        });
        *position += 1;
    }
    for dish in &dishes {
        let r = dish.row;
        match dish.kind {
            CuisineType::Single if !dish.set_items.is_empty() => {
                errors.push(error(r, "套餐内容", "单品不能有套餐内容；要做套餐请把类型设为套餐"));
            }
            CuisineType::SetMeal if dish.set_items.is_empty() => {
                errors.push(error(r, "套餐内容", "套餐至少要包含一道菜"));
            }
            _ => {}
        }
        let mut seen = HashSet::new();
        for (item, quantity) in &dish.set_items {
            match kinds.get(item) {
                None => errors.push(error(r, "套餐内容", format!("「{item}」不在这份菜单里"))),
                Some(Some(CuisineType::SetMeal)) => {
                    errors.push(error(r, "套餐内容", format!("套餐里不能再放套餐（「{item}」）")))
                }
                _ => {}
            }
            if !(1..=rules::MAX_SET_QUANTITY).contains(quantity) {
                errors.push(error(
                    r,
                    "套餐内容",
                    format!("「{item}」的份数必须在 1 到 {} 之间", rules::MAX_SET_QUANTITY),
                ));
            }
            if !seen.insert(item) {
                errors.push(error(r, "套餐内容", format!("「{item}」列了两次，请合并成一项写份数")));
            }
        }
    }
    if errors.is_empty() {
        Ok(Plan { categories, dishes })
    } else {
        errors.sort_by_key(|e| e.row);
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::stores::StoreRow;
    use crate::menu::formats::parse_csv;

    fn empty_menu() -> Menu {
        Menu {
            store: StoreRow {
                id: 1,
                name: "小馆".into(),
            },
            version: 1,
            categories: vec![],
            dishes: vec![],
            set_items: vec![],
        }
    }

    const HEADER: &str = "分类,编号,菜名,类型,价格,描述,套餐内容,估清,图片\n";

    #[test]
    fn a_good_csv_becomes_a_plan_in_file_order() {
        let csv = format!(
            "\u{feff}{HEADER}热菜,,宫保鸡丁,单品,38,,,,\n主食,,米饭,单品,2.00,,,是,\n套餐,,工作餐,套餐,40.5,实惠,宫保鸡丁；米饭×2,,\n"
        );
        let plan = check(&empty_menu(), parse_csv(csv.as_bytes()), &HashSet::new()).expect("valid");
        assert_eq!(plan.categories, vec!["热菜", "主食", "套餐"]);
        let set = &plan.dishes[2];
        assert_eq!(set.set_items, vec![("宫保鸡丁".to_owned(), 1), ("米饭".to_owned(), 2)]);
        assert_eq!(set.price, Money::from_cents(4050));
        assert!(plan.dishes[1].sold_out);
    }

    #[test]
    fn every_broken_row_is_reported_with_its_line() {
        let csv = format!(
            "{HEADER}热菜,,宫保鸡丁,单品,38,,,,\n热菜,,宫保鸡丁,单品,-3,,,,\n热菜,,,单品,12.345,,,,\n热菜,,只有三列\n"
        );
        let errors = check(&empty_menu(), parse_csv(csv.as_bytes()), &HashSet::new()).expect_err("refused");
        let rows: Vec<(u32, Option<&str>)> = errors.iter().map(|e| (e.row, e.field.as_deref())).collect();
        assert_eq!(
            rows,
            vec![(3, Some("菜名")), (3, Some("价格")), (4, Some("菜名")), (5, None)],
            "{errors:?}"
        );
    }

    #[test]
    fn a_row_saved_as_gbk_is_reported_not_garbled() {
        let mut csv = format!("{HEADER}热菜,,宫保鸡丁,单品,38,,,,\n").into_bytes();
        csv.extend_from_slice(b"\xc8\xc8\xb2\xcb,,\xc3\xd7\xb7\xb9,,2,,,,\n"); // 热菜,,米饭 in GBK
        let errors = check(&empty_menu(), parse_csv(&csv), &HashSet::new()).expect_err("refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].row, 3);
        assert!(
            errors[0].message.contains("UTF-8"),
            "says how to save it: {}",
            errors[0].message
        );
    }

    #[test]
    fn a_wrong_header_is_refused_at_line_one() {
        let errors = check(&empty_menu(), parse_csv(b"name,price\n"), &HashSet::new()).expect_err("refused");
        assert_eq!(errors[0].row, 1);
    }
}
