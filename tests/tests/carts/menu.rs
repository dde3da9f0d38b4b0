//! The demo store's menu, which the first command shows a new user.

use orderbell_shared::{CuisineType, MenuDTO};
use orderbell_tests::TestServer;

#[tokio::test]
async fn the_demo_menu_has_dishes_and_set_meals_with_exact_prices() {
    let server = TestServer::start().await;
    let response = server
        .http
        .get(server.url("/api/stores/1/menu"))
        .send()
        .await
        .expect("menu");
    assert_eq!(response.status(), 200);
    let text = response.text().await.expect("body");
    assert!(
        text.contains("\"unitPrice\":48.50"),
        "prices are numbers with two decimals: {text}"
    );
    let menu: MenuDTO = serde_json::from_str(&text).expect("menu parses");
    let dishes: Vec<_> = menu.categories.iter().flat_map(|c| &c.dishes).collect();
    assert!(dishes.len() >= 12, "a dozen dishes or more");
    assert!(dishes.iter().any(|d| d.cuisine_type == CuisineType::SetMeal));
    assert!(dishes.iter().any(|d| d.cuisine_type == CuisineType::Single));
    assert_eq!(menu.categories[0].name, "热菜");

    let missing = server
        .http
        .get(server.url("/api/stores/99/menu"))
        .send()
        .await
        .expect("menu");
    assert_eq!(missing.status(), 404);
    let body: orderbell_shared::ErrorBody = missing.json().await.expect("error body");
    assert_eq!(body.code, "store_not_found");
}
