//! The owner's categories and dishes, and the demo menu they start from.

use orderbell_shared::{CuisineType, DishDTO, MenuCategoryDTO, MenuDTO, Money};
use orderbell_tests::TestServer;
use reqwest::Method;
use serde_json::json;

use crate::{dish, menu, ok, owner, refused};

#[tokio::test]
async fn the_demo_menu_has_its_categories_ids_and_set_contents() {
    let server = TestServer::start().await;
    let menu = menu(&server).await;
    let names: Vec<&str> = menu.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["热菜", "凉菜", "主食", "汤羹", "饮品", "套餐"]);
    assert_eq!(menu.categories[0].dishes[0].cuisine_id, 1001, "the demo ids stay");
    let set = dish(&menu, "宫保鸡丁套餐");
    let contents: Vec<(i64, &str, u32)> = set
        .set_items
        .iter()
        .map(|i| (i.cuisine_id, i.cuisine_name.as_str(), i.quantity))
        .collect();
    assert_eq!(
        contents,
        [(1001, "宫保鸡丁", 1), (1009, "米饭", 1), (1011, "酸梅汤", 1)]
    );
    let double = dish(&menu, "双人红烧肉套餐");
    assert!(
        double
            .set_items
            .iter()
            .any(|i| i.cuisine_name == "米饭" && i.quantity == 2)
    );
}

#[tokio::test]
async fn categories_are_added_renamed_reordered_and_removed_once_empty() {
    let server = TestServer::start().await;
    let added: MenuCategoryDTO = ok(
        owner(
            &server,
            Method::POST,
            "/api/stores/1/categories",
            Some(json!({"name": " 特色菜 "})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!((added.name.as_str(), added.dishes.len()), ("特色菜", 0));
    let id = added.category_id;
    let renamed: MenuCategoryDTO = ok(
        owner(
            &server,
            Method::PATCH,
            &format!("/api/stores/1/categories/{id}"),
            Some(json!({"name": "招牌菜"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(renamed.name, "招牌菜");

    let before = menu(&server).await;
    let mut order: Vec<i64> = before.categories.iter().map(|c| c.category_id).collect();
    order.retain(|c| *c != id);
    order.insert(0, id);
    let reordered: MenuDTO = ok(
        owner(
            &server,
            Method::PUT,
            "/api/stores/1/categories/order",
            Some(json!({"ids": order})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        reordered.categories[0].name, "招牌菜",
        "the new category leads the menu"
    );
    assert_eq!(reordered.categories[1].name, "热菜");

    let hot = before.categories[0].category_id;
    let body = refused(
        owner(
            &server,
            Method::DELETE,
            &format!("/api/stores/1/categories/{hot}"),
            None,
        )
        .await,
        409,
        "category_not_empty",
    )
    .await;
    assert!(
        body.message.contains("热菜"),
        "the refusal names the category: {}",
        body.message
    );

    let removed = owner(&server, Method::DELETE, &format!("/api/stores/1/categories/{id}"), None).await;
    assert_eq!(removed.status(), 204);
    let after = menu(&server).await;
    assert!(after.categories.iter().all(|c| c.category_id != id));
    assert_eq!(after.categories.len(), before.categories.len() - 1);
}

#[tokio::test]
async fn dishes_are_added_edited_ordered_and_removed() {
    let server = TestServer::start().await;
    let hot = menu(&server).await.categories[0].clone();
    let added: DishDTO = ok(
        owner(
            &server,
            Method::POST,
            "/api/stores/1/dishes",
            Some(json!({"categoryId": hot.category_id, "cuisineName": "水煮鱼", "unitPrice": "26.8", "description": "微辣"})),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(added.unit_price, Money::from_cents(2680), "yuan, exact");
    assert_eq!((added.cuisine_type, added.sold_out), (CuisineType::Single, false));
    let id = added.cuisine_id;
    let path = format!("/api/stores/1/dishes/{id}");

    let edited: DishDTO = ok(
        owner(
            &server,
            Method::PATCH,
            &path,
            Some(json!({"unitPrice": 29.9, "description": ""})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        (edited.unit_price, edited.description.as_deref()),
        (Money::from_cents(2990), None)
    );
    assert_eq!(edited.cuisine_name, "水煮鱼", "what is not sent stays");

    // Moved to another category, it goes to that category's end; and back.
    let cold = menu(&server).await.categories[1].clone();
    let moved: DishDTO = ok(
        owner(
            &server,
            Method::PATCH,
            &path,
            Some(json!({"categoryId": cold.category_id})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(moved.cuisine_id, id);
    let last = menu(&server).await.categories[1].dishes.last().map(|d| d.cuisine_id);
    assert_eq!(last, Some(id));
    let back = owner(
        &server,
        Method::PATCH,
        &path,
        Some(json!({"categoryId": hot.category_id})),
    )
    .await;
    assert_eq!(back.status(), 200);

    // A set meal of the new dish and rice.
    let set_category = menu(&server).await.categories.last().expect("套餐").category_id;
    let set: DishDTO = ok(
        owner(
            &server,
            Method::POST,
            "/api/stores/1/dishes",
            Some(
                json!({"categoryId": set_category, "cuisineName": "水煮鱼套餐", "cuisineType": 2, "unitPrice": 35,
                "setItems": [{"cuisineId": id, "quantity": 1}, {"cuisineId": 1009, "quantity": 2}]}),
            ),
        )
        .await,
        201,
    )
    .await;
    let contents: Vec<(&str, u32)> = set
        .set_items
        .iter()
        .map(|i| (i.cuisine_name.as_str(), i.quantity))
        .collect();
    assert_eq!(contents, [("水煮鱼", 1), ("米饭", 2)]);

    // The new dish first in its category.
    let mut order: Vec<i64> = hot.dishes.iter().map(|d| d.cuisine_id).collect();
    order.insert(0, id);
    let reordered: MenuDTO = ok(
        owner(
            &server,
            Method::PUT,
            &format!("/api/stores/1/categories/{}/dishes/order", hot.category_id),
            Some(json!({"ids": order})),
        )
        .await,
        200,
    )
    .await;
    let firsts: Vec<&str> = reordered.categories[0]
        .dishes
        .iter()
        .take(2)
        .map(|d| d.cuisine_name.as_str())
        .collect();
    assert_eq!(firsts, ["水煮鱼", "宫保鸡丁"]);

    let body = refused(owner(&server, Method::DELETE, &path, None).await, 409, "dish_in_set").await;
    assert!(body.message.contains("水煮鱼套餐"), "names the set: {}", body.message);
    let gone = owner(
        &server,
        Method::DELETE,
        &format!("/api/stores/1/dishes/{}", set.cuisine_id),
        None,
    )
    .await;
    assert_eq!(gone.status(), 204);
    assert_eq!(owner(&server, Method::DELETE, &path, None).await.status(), 204);
    let after = menu(&server).await;
    assert!(
        after
            .categories
            .iter()
            .flat_map(|c| &c.dishes)
            .all(|d| !d.cuisine_name.starts_with("水煮鱼")),
        "both are gone"
    );
}

/// Orders and reports name dishes by id: a dish added after the newest one was deleted gets an id
/// of its own, never the deleted one's.
#[tokio::test]
async fn a_deleted_dishs_id_is_never_given_again() {
    let server = TestServer::start().await;
    let hot = menu(&server).await.categories[0].clone();
    let add = |name: &'static str| {
        let server = &server;
        async move {
            let body = json!({"categoryId": hot.category_id, "cuisineName": name, "unitPrice": "10"});
            let added: DishDTO = ok(
                owner(server, Method::POST, "/api/stores/1/dishes", Some(body)).await,
                201,
            )
            .await;
            added.cuisine_id
        }
    };
    let first = add("临时菜").await;
    let gone = owner(&server, Method::DELETE, &format!("/api/stores/1/dishes/{first}"), None).await;
    assert_eq!(gone.status(), 204);
    let next = add("新菜").await;
    assert!(next > first, "the deleted dish's id {first} was given again ({next})");
    let gone = owner(&server, Method::DELETE, &format!("/api/stores/1/dishes/{next}"), None).await;
    assert_eq!(gone.status(), 204);
    let after_restart = server.restart().await;
    let hot = menu(&after_restart).await.categories[0].clone();
    let body = json!({"categoryId": hot.category_id, "cuisineName": "又一道", "unitPrice": "10"});
    let third: DishDTO = ok(
        owner(&after_restart, Method::POST, "/api/stores/1/dishes", Some(body)).await,
        201,
    )
    .await;
    assert!(
        third.cuisine_id > next,
        "nor after a restart: {} after {next}",
        third.cuisine_id
    );
}
