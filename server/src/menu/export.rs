//! The whole menu as a file: JSON ([`MenuFile`]) or CSV with a header row, which Excel and WPS
//! open as they are (UTF-8 with a byte-order mark) and [`super::import`] reads back.

use orderbell_shared::CuisineType;
use orderbell_shared::menu::{CategoryFile, DishFile, MenuFile, PriceInput, SetItemFile};

use super::import::COLUMNS;
use crate::db::menu::Menu;

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
