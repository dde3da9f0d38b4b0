//! The whole menu as a file, both ways: JSON ([`MenuFile`]) or CSV with a header row, which
//! Excel and WPS open as they are (UTF-8 with a byte-order mark). Reading gives the rows as the
//! file has them; [`super::import`] checks them.

use orderbell_shared::CuisineType;
use orderbell_shared::menu::{CategoryFile, DishFile, MenuFile, PriceInput, RowError, SetItemFile};

use super::import::{Draft, DraftRow, error};
use crate::domain::menu::Menu;

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

pub fn menu_file(menu: &Menu) -> MenuFile {
    MenuFile {
        categories: menu
            .categories
            .iter()
            .map(|c| CategoryFile {
                name: c.name.clone(),
                dishes: menu
                    .dishes
                    .iter()
                    .filter(|d| d.category_id == c.id)
                    .map(|d| DishFile {
                        cuisine_id: Some(d.id),
                        cuisine_name: d.name.clone(),
                        cuisine_type: d.kind,
                        unit_price: PriceInput(d.price.to_string()),
                        description: d.description.clone(),
                        set_items: menu
                            .contents(d.id)
                            .filter_map(|i| {
                                menu.dish(i.dish_id).map(|item| SetItemFile {
                                    cuisine_name: item.name.clone(),
                                    quantity: i.quantity,
                                })
                            })
                            .collect(),
                        sold_out: d.sold_out,
                        photo: d.photo.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn csv(menu: &Menu) -> Vec<u8> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    let mut writer = csv::Writer::from_writer(&mut out);
    let _ = writer.write_record(COLUMNS);
    for category in menu_file(menu).categories {
        for dish in category.dishes {
            let contents: Vec<String> = dish
                .set_items
                .iter()
                .map(|i| format!("{}×{}", i.cuisine_name, i.quantity))
                .collect();
            let _ = writer.write_record([
                category.name.as_str(),
                &dish.cuisine_id.map(|id| id.to_string()).unwrap_or_default(),
                &dish.cuisine_name,
                match dish.cuisine_type {
                    CuisineType::Single => "单品",
                    CuisineType::SetMeal => "套餐",
                },
                &dish.unit_price.0,
                dish.description.as_deref().unwrap_or(""),
                &contents.join("；"),
                if dish.sold_out { "是" } else { "否" },
                dish.photo.as_deref().unwrap_or(""),
            ]);
        }
    }
    // Writing into a Vec cannot fail.
    let _ = writer.flush();
    drop(writer);
    out
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
                format!(
                    "第一行必须是表头：{}，文件存成 UTF-8 编码（先导出一份，照着改最稳妥）",
                    COLUMNS.join(",")
                ),
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
                    message:
                        "这一行读不出来：文件要存成 UTF-8 编码（Excel 里另存为「CSV UTF-8（逗号分隔）」），引号要配对"
                            .into(),
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
