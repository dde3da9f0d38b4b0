//! The README's "Set up your restaurant", end to end over the API the desktop app uses: a new
//! store, its owner's menu with a photo and a set meal, tables, the printed QR sheet read back by
//! a real decoder, a phone ordering from it and paying, the kitchen hearing it, a dish sold out
//! reaching the phone's table stream, and the kitchen tablet revoked.

use std::io::Cursor;

use orderbell_shared::access::IssuedDevice;
use orderbell_shared::events::Event;
use orderbell_shared::{DinerSession, DishDTO, MenuCategoryDTO, MenuDTO, SubmittedOrder, TableDTO};
use orderbell_tests::{PATIENCE, Sse, TestServer, qr};
use serde_json::{Value, json};

/// A request of the owner's (or any credential's) with a JSON body, answered with `status`.
async fn call(
    server: &TestServer,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
    status: u16,
) -> reqwest::Response {
    let response = server
        .http
        .request(method.parse().expect("method"), server.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), status, "{method} {path}");
    response
}

/// The store's menu as the customer page reads it.
async fn menu_of(server: &TestServer, store: i64) -> MenuDTO {
    let response = server
        .http
        .get(server.url(&format!("/api/stores/{store}/menu")))
        .send()
        .await;
    response.expect("menu").json().await.expect("menu JSON")
}

fn photo() -> Vec<u8> {
    let image = image::RgbImage::from_pixel(96, 64, image::Rgb([200, 60, 40]));
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).expect("a PNG");
    bytes.into_inner()
}

#[tokio::test]
async fn a_new_restaurant_sets_up_prints_its_codes_and_takes_an_order() {
    let server = TestServer::start().await;
    // `orderbell store create`, beside the running server.
    let command = orderbell_server::App::open(&server.command_config())
        .await
        .expect("the command opens the same data");
    let created = command.create_store("小馆").await.expect("store create");
    let (store, owner) = (created.store_id, created.owner.credential);
    let s = |path: &str| format!("/api/stores/{store}{path}");

    // The menu: a category, a dish with a photo, a set meal holding it.
    let hot: MenuCategoryDTO = call(&server, "POST", &s("/categories"), &owner, json!({"name": "热菜"}), 201)
        .await
        .json()
        .await
        .expect("category");
    let dish: DishDTO = call(
        &server,
        "POST",
        &s("/dishes"),
        &owner,
        json!({"categoryId": hot.category_id, "cuisineName": "水煮鱼", "cuisineType": 1, "unitPrice": "68.80"}),
        201,
    )
    .await
    .json()
    .await
    .expect("dish");
    let with_photo = server
        .http
        .put(server.url(&s(&format!("/dishes/{}/photo", dish.cuisine_id))))
        .bearer_auth(&owner)
        .header("content-type", "image/png")
        .body(photo())
        .send()
        .await
        .expect("upload");
    assert_eq!(with_photo.status(), 200);
    let rice: DishDTO = call(
        &server,
        "POST",
        &s("/dishes"),
        &owner,
        json!({"categoryId": hot.category_id, "cuisineName": "米饭", "cuisineType": 1, "unitPrice": 2}),
        201,
    )
    .await
    .json()
    .await
    .expect("rice");
    call(
        &server,
        "POST",
        &s("/dishes"),
        &owner,
        json!({"categoryId": hot.category_id, "cuisineName": "水煮鱼套餐", "cuisineType": 2, "unitPrice": "79",
               "setItems": [{"cuisineId": dish.cuisine_id, "quantity": 1}, {"cuisineId": rice.cuisine_id, "quantity": 2}]}),
        201,
    )
    .await;
    let menu = menu_of(&server, store).await;
    let dishes: Vec<&DishDTO> = menu.categories.iter().flat_map(|c| &c.dishes).collect();
    assert!(
        dishes
            .iter()
            .any(|d| d.cuisine_name == "水煮鱼" && d.thumbnail.is_some()),
        "the photo's thumbnail"
    );
    assert!(
        dishes
            .iter()
            .any(|d| d.cuisine_name == "水煮鱼套餐" && d.set_items.len() == 2),
        "the set meal says what it holds"
    );

    // Tables, and the printed sheet read back by a phone's decoder.
    let table: TableDTO = call(&server, "POST", &s("/tables"), &owner, json!({"number": "1号"}), 201)
        .await
        .json()
        .await
        .expect("table");
    call(
        &server,
        "POST",
        &s("/tables"),
        &owner,
        json!({"number": "包间1", "area": "包间"}),
        201,
    )
    .await;
    let sheet = server
        .http
        .get(server.url(&s("/tables/qr-sheet.pdf")))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sheet");
    assert_eq!(sheet.status(), 200);
    let scanned = qr::pdf_pages(&sheet.bytes().await.expect("PDF"));
    let codes: Vec<&String> = scanned.iter().flatten().collect();
    assert_eq!(codes.len(), 2, "one code per table: {codes:?}");
    let link = codes
        .iter()
        .find(|c| **c == &table.link)
        .expect("table 1号's code is its link");
    let table_token = link.split_once("token=").map(|(_, t)| t.to_owned()).expect("a token");

    // The kitchen tablet, and its stream.
    let kitchen: IssuedDevice = call(
        &server,
        "POST",
        &s("/devices"),
        &owner,
        json!({"name": "厨房平板", "role": "kitchen"}),
        201,
    )
    .await
    .json()
    .await
    .expect("device");
    let mut kitchen_stream = Sse::connect(&server.url(&s("/events")), &kitchen.credential, None)
        .connected()
        .await;

    // The phone: joins with the scanned link, orders and pays; the kitchen hears it.
    let diner: DinerSession = call(
        &server,
        "POST",
        &format!("/api/tables/{}/diners", table.table_id),
        &table_token,
        json!({}),
        200,
    )
    .await
    .json()
    .await
    .expect("diner");
    let mut table_stream = Sse::connect(
        &server.url(&format!("/api/store/order/sse/{}", table.table_id)),
        &table_token,
        None,
    )
    .connected()
    .await;
    call(
        &server,
        "POST",
        "/api/store/order/cart/add",
        &diner.token,
        json!({"tableId": table.table_id, "cuisineId": dish.cuisine_id, "quantity": 1}),
        200,
    )
    .await;
    let order: SubmittedOrder = call(
        &server,
        "POST",
        "/api/orders",
        &diner.token,
        json!({"tableId": table.table_id, "idempotencyKey": "journey-1"}),
        201,
    )
    .await
    .json()
    .await
    .expect("order");
    call(
        &server,
        "POST",
        &format!("/api/orders/{}/pay", order.order.order_id),
        &order.token,
        json!({}),
        202,
    )
    .await;
    let heard = tokio::time::timeout(PATIENCE, async {
        loop {
            if let (_, Event::OrderPaid(paid)) = kitchen_stream.next_typed().await {
                return paid;
            }
        }
    })
    .await
    .expect("the kitchen hears the paid order");
    assert_eq!(heard.order_id, order.order.order_id);

    // 估清: the phone's table stream says the menu changed, and the menu greys the dish.
    call(
        &server,
        "PUT",
        &s(&format!("/dishes/{}/sold-out", dish.cuisine_id)),
        &owner,
        json!({"soldOut": true}),
        200,
    )
    .await;
    tokio::time::timeout(PATIENCE, async {
        while table_stream.next_event().await.event_type != "menu_update" {}
    })
    .await
    .expect("a menu_update on the table's stream");
    let menu = menu_of(&server, store).await;
    assert!(
        menu.categories
            .iter()
            .flat_map(|c| &c.dishes)
            .any(|d| d.cuisine_id == dish.cuisine_id && d.sold_out)
    );

    // The kitchen tablet is revoked: refused from then on, in words its screen shows.
    let revoke = server
        .http
        .delete(server.url(&s(&format!("/devices/{}", kitchen.device_id))))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoke.status(), 204);
    let refused = call(&server, "GET", &s("/orders"), &kitchen.credential, json!({}), 401).await;
    let body: orderbell_shared::ErrorBody = refused.json().await.expect("error body");
    assert_eq!(
        (body.code.as_str(), body.message.as_str()),
        ("device_revoked", "此设备已被停用，请重新配对")
    );
}
