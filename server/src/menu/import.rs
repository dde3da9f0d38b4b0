//! Reading a whole menu from a file (CSV or JSON) and checking all of it before anything is
//! written: every problem is reported with its row, and an import with any problem changes
//! nothing. Pure: bytes and the current menu in, a plan or the list of problems out.

use std::collections::{HashMap, HashSet};

use orderbell_shared::menu::{MenuFile, RowError};
use orderbell_shared::{CuisineType, Money};

use super::rules;
use crate::db::menu::Menu;

/// The CSV columns, in the order export writes them. The header row names them (line 1).
pub const COLUMNS: [&str; 9] = [
    "分类",
    "编号",
    "菜名",
    "类型",
    "价格",
    "描述",
    "套餐内容",
    "估清",
    "图片",
];
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

fn error(row: u32, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        row,
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

/// Read a CSV export (with or without Excel's byte-order mark). Row numbers are file lines,
/// the header being line 1.
pub fn parse_csv(bytes: &[u8]) -> Draft {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut draft = Draft::default();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    match reader.headers() {
        Ok(header) if header.iter().map(str::trim).eq(COLUMNS) => {}
        _ => {
            draft.errors.push(error(
                1,
                "表头",
                format!("第一行必须是表头：{}（先导出一份，照着改最稳妥）", COLUMNS.join(",")),
            ));
            return draft;
        }
    }
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let row = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                draft.errors.push(RowError {
                    row,
                    field: None,
                    message: "这一行读不出来（不是 UTF-8 文本，或引号没有配对）".into(),
                });
                continue;
            }
        };
        let row = record
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != COLUMNS.len() {
            draft.errors.push(RowError {
                row,
                field: None,
                message: format!("这一行有 {} 列，应当是 {} 列", record.len(), COLUMNS.len()),
            });
            continue;
        }
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        let mut dish = DraftRow {
            row,
            category: field(0).to_owned(),
            name: field(2).to_owned(),
            price: field(4).to_owned(),
            description: field(5).to_owned(),
            photo: Some(field(8).to_owned()).filter(|p| !p.is_empty()),
            ..DraftRow::default()
        };
        if !field(1).is_empty() {
            match field(1).parse() {
                Ok(id) => dish.id = Some(id),
                Err(_) => draft.errors.push(error(row, "编号", "编号必须是整数；新菜留空")),
            }
        }
        dish.kind = match field(3) {
            "单品" | "" | "1" => Some(CuisineType::Single),
            "套餐" | "2" => Some(CuisineType::SetMeal),
            _ => {
                draft.errors.push(error(row, "类型", "类型只能是「单品」或「套餐」"));
                None
            }
        };
        match field(7) {
            "" | "否" => {}
            "是" => dish.sold_out = true,
            _ => draft
                .errors
                .push(error(row, "估清", "估清只能填「是」或「否」（留空为否）")),
        }
        match set_items(field(6)) {
            Ok(items) => dish.set_items = items,
            Err(message) => draft.errors.push(error(row, "套餐内容", message)),
        }
        if !draft.categories.contains(&dish.category) {
            draft.categories.push(dish.category.clone());
        }
        draft.rows.push(dish);
    }
    draft
}

/// `米饭×2；酸梅汤`: dish names separated by `；` or `;`, each with an optional `×N`.
fn set_items(text: &str) -> Result<Vec<(String, u32)>, String> {
    let mut items = Vec::new();
    for part in text.split([';', '；']).map(str::trim).filter(|p| !p.is_empty()) {
        let (name, quantity) = match part.rsplit_once(['×', '*', 'x', 'X']) {
            Some((name, n)) if n.trim().parse::<u32>().is_ok() => (name.trim(), n.trim().parse().unwrap_or(1)),
            _ => (part, 1),
        };
        if name.is_empty() {
            return Err(format!("「{part}」少了菜名；写法如 米饭×2；酸梅汤"));
        }
        items.push((name.to_owned(), quantity));
    }
    Ok(items)
}

/// Read a JSON export ([`MenuFile`]). A dish's row is its place in the file, 1 being the first.
pub fn parse_json(bytes: &[u8]) -> Draft {
    let mut draft = Draft::default();
    let file: MenuFile = match serde_json::from_slice(bytes) {
        Ok(file) => file,
        Err(e) => {
            draft.errors.push(RowError {
                row: u32::try_from(e.line()).unwrap_or(0),
                field: None,
                message: "文件不是菜单的 JSON 格式（第几行见 row）；先导出一份，照着改最稳妥".into(),
            });
            return draft;
        }
    };
    let mut row = 0u32;
    for category in file.categories {
        draft.categories.push(category.name.trim().to_owned());
        for dish in category.dishes {
            row += 1;
            draft.rows.push(DraftRow {
                row,
                category: category.name.trim().to_owned(),
                id: dish.cuisine_id,
                name: dish.cuisine_name,
                kind: Some(dish.cuisine_type),
                price: dish.unit_price.0,
                description: dish.description.unwrap_or_default(),
                set_items: dish
                    .set_items
                    .into_iter()
                    .map(|i| (i.cuisine_name.trim().to_owned(), i.quantity))
                    .collect(),
                sold_out: dish.sold_out,
                photo: dish.photo.filter(|p| !p.is_empty()),
            });
        }
    }
    draft
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
    use crate::db::StoreRow;

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
    fn a_wrong_header_is_refused_at_line_one() {
        let errors = check(&empty_menu(), parse_csv(b"name,price\n"), &HashSet::new()).expect_err("refused");
        assert_eq!(errors[0].row, 1);
    }
}
