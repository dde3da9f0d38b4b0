//! The owner's menu from the app, against the real server: a category, a dish with an exact
//! price, a set meal of it, a photo with its thumbnail, 估清 and back; and what is refused.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};
use orderbell_desktop_core::ActionError;
use orderbell_shared::cart::CuisineType;
use orderbell_shared::menu::{DishInput, PriceInput, SetItemInput};
use orderbell_tests::TestServer;

use crate::App;

/// A small real PNG, as a photo or logo file.
pub(crate) fn png() -> Vec<u8> {
    let image = RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 120]));
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encodes");
    bytes
}

#[tokio::test]
async fn the_owner_builds_a_category_with_a_dish_a_set_meal_and_a_photo_and_marks_it_sold_out() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let setup = app.desk.setup();

    let category = setup.add_category("特色菜").await.expect("a category");
    let fish = setup
        .add_dish(&DishInput {
            category_id: Some(category.category_id),
            cuisine_name: Some("水煮鱼".into()),
            cuisine_type: Some(CuisineType::Single),
            unit_price: Some(PriceInput("68.8".into())),
            description: Some("微辣".into()),
            set_items: None,
        })
        .await
        .expect("a dish");
    assert_eq!(fish.unit_price.to_string(), "68.80", "the price is exact");
    let set = setup
        .add_dish(&DishInput {
            category_id: Some(category.category_id),
            cuisine_name: Some("水煮鱼套餐".into()),
            cuisine_type: Some(CuisineType::SetMeal),
            unit_price: Some(PriceInput("79".into())),
            description: None,
            set_items: Some(vec![SetItemInput {
                cuisine_id: fish.cuisine_id,
                quantity: 1,
            }]),
        })
        .await
        .expect("a set meal");
    assert_eq!(set.set_items[0].cuisine_name, "水煮鱼");

    let repriced = setup
        .change_dish(
            fish.cuisine_id,
            &DishInput {
                unit_price: Some(PriceInput("72".into())),
                ..DishInput::default()
            },
        )
        .await
        .expect("repriced");
    assert_eq!(
        (repriced.cuisine_name.as_str(), repriced.unit_price.to_string().as_str()),
        ("水煮鱼", "72.00")
    );

    let pictured = setup
        .set_dish_photo(fish.cuisine_id, "image/png", png())
        .await
        .expect("a photo");
    let thumbnail = pictured.thumbnail.expect("a thumbnail for the list");
    let served = reqwest::get(server.url(&thumbnail)).await.expect("served");
    assert_eq!(served.status(), 200);

    setup.set_sold_out(fish.cuisine_id, true).await.expect("估清");
    let menu = setup.menu().await.expect("the menu");
    let listed = menu
        .categories
        .iter()
        .find(|c| c.category_id == category.category_id)
        .expect("the category is on the menu");
    let names: Vec<(&str, bool)> = listed
        .dishes
        .iter()
        .map(|d| (d.cuisine_name.as_str(), d.sold_out))
        .collect();
    assert_eq!(
        names,
        [("水煮鱼", true), ("水煮鱼套餐", true)],
        "a set meal holding it cannot be ordered either"
    );
    setup
        .reorder_dishes(category.category_id, &[set.cuisine_id, fish.cuisine_id])
        .await
        .expect("the set meal first");
    let mut order: Vec<i64> = menu.categories.iter().map(|c| c.category_id).collect();
    order.retain(|id| *id != category.category_id);
    order.insert(0, category.category_id);
    setup.reorder_categories(&order).await.expect("the new category first");
    let menu = setup.menu().await.expect("the menu");
    assert_eq!(menu.categories[0].category_id, category.category_id);
    let first: Vec<i64> = menu.categories[0].dishes.iter().map(|d| d.cuisine_id).collect();
    assert_eq!(first, [set.cuisine_id, fish.cuisine_id]);

    let back = setup.set_sold_out(fish.cuisine_id, false).await.expect("back on");
    assert!(!back.sold_out);

    let refused = ActionError::from(
        setup
            .remove_category(category.category_id)
            .await
            .expect_err("it still holds dishes"),
    );
    assert_eq!(refused.code, "category_not_empty");
    let refused = ActionError::from(
        setup
            .add_dish(&DishInput {
                category_id: Some(category.category_id),
                cuisine_name: Some("贵菜".into()),
                cuisine_type: Some(CuisineType::Single),
                unit_price: Some(PriceInput("12.345".into())),
                ..DishInput::default()
            })
            .await
            .expect_err("three decimals"),
    );
    assert!(!refused.message.is_empty() && refused.code != "network", "{refused:?}");
}

#[tokio::test]
async fn the_menu_goes_out_as_csv_and_comes_back_changed_and_a_broken_file_changes_nothing() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let setup = app.desk.setup();

    let csv = String::from_utf8(setup.export_menu_csv().await.expect("exported")).expect("UTF-8");
    let kung_pao = csv
        .lines()
        .find(|l| l.contains(",宫保鸡丁,单品,"))
        .expect("the demo store's 宫保鸡丁 is a row");
    let dearer = csv.replace(kung_pao, &kung_pao.replace(",38.00,", ",39.50,"));
    let menu = setup
        .import_menu("text/csv", dearer.into_bytes())
        .await
        .expect("imported");
    let price = |menu: &orderbell_shared::menu::MenuDTO| {
        menu.categories
            .iter()
            .flat_map(|c| &c.dishes)
            .find(|d| d.cuisine_name == "宫保鸡丁")
            .map(|d| d.unit_price.to_string())
    };
    assert_eq!(price(&menu).as_deref(), Some("39.50"));

    let broken = csv.replace(kung_pao, &kung_pao.replace(",38.00,", ",38.005,"));
    let refused = ActionError::from(
        setup
            .import_menu("text/csv", broken.into_bytes())
            .await
            .expect_err("three decimals"),
    );
    assert_eq!(refused.code, "invalid_import");
    assert!(refused.message.contains("行"), "the row is named: {}", refused.message);
    let menu = setup.menu().await.expect("the menu");
    assert_eq!(price(&menu).as_deref(), Some("39.50"), "nothing changed");
}
