//! Import and export of the whole menu: CSV and JSON, 200 dishes, checked whole, all or nothing,
//! with row-numbered errors.

use orderbell_shared::{CartDTO, MenuDTO, Money, sse};
use orderbell_tests::{Sse, TestServer};
use reqwest::Method;

use crate::{menu, ok, owner, refused};

async fn import(server: &TestServer, body: Vec<u8>, content_type: &str) -> reqwest::Response {
    server
        .http
        .post(server.url("/api/stores/1/menu/import"))
        .bearer_auth(&server.merchant)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("import")
}

async fn export(server: &TestServer, format: &str) -> Vec<u8> {
    let response = owner(
        server,
        Method::GET,
        &format!("/api/stores/1/menu/export?format={format}"),
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("file").to_vec()
}

/// The menu without its version: what an import that changes nothing must leave.
fn content(mut menu: MenuDTO) -> MenuDTO {
    menu.menu_version = 0;
    menu
}

/// A restaurant's menu of 200 dishes in 10 categories: 180 single dishes and 20 set meals of them.
fn big_csv() -> String {
    let mut csv = String::from("分类,编号,菜名,类型,价格,描述,套餐内容,估清,图片\n");
    for i in 0..180 {
        let cents = 800 + i * 37;
        csv += &format!(
            "分类{},,菜品{i:03},单品,{}.{:02},家常做法,,否,\n",
            i % 9,
            cents / 100,
            cents % 100
        );
    }
    for i in 0..20 {
        csv += &format!(
            "套餐,,套餐{i:02},套餐,{}.50,两菜一饭,\"菜品{:03}×1；菜品{:03}×2\",否,\n",
            40 + i,
            i,
            i + 100
        );
    }
    csv
}

#[tokio::test]
async fn the_menu_exports_and_imports_back_unchanged_as_csv_and_json() {
    let server = TestServer::start().await;
    let before = content(menu(&server).await);
    let csv = export(&server, "csv").await;
    let text = String::from_utf8(csv.clone()).expect("UTF-8");
    assert!(
        text.starts_with("\u{feff}分类,编号,菜名"),
        "Excel reads it as UTF-8: {text}"
    );
    assert!(
        text.contains("套餐,2001,宫保鸡丁套餐,套餐,45.80,宫保鸡丁 + 米饭 + 酸梅汤,宫保鸡丁×1；米饭×1；酸梅汤×1,否,")
    );
    let _: MenuDTO = ok(import(&server, csv, "text/csv").await, 200).await;
    assert_eq!(content(menu(&server).await), before, "a CSV round trip changes nothing");

    let json = export(&server, "json").await;
    let _: MenuDTO = ok(import(&server, json, "application/json").await, 200).await;
    assert_eq!(
        content(menu(&server).await),
        before,
        "a JSON round trip changes nothing"
    );
}

#[tokio::test]
async fn an_import_of_200_dishes_replaces_the_menu_and_tells_the_tables() {
    let server = TestServer::start().await;
    let diner = server.join(1, None).await;
    let add = serde_json::json!({"tableId": 1, "cuisineId": 1001});
    assert_eq!(server.add(&diner.token, add).await.status(), 200);
    let mut table = Sse::connect(&server.url("/api/store/order/sse/1"), server.table_token(1), None)
        .connected()
        .await;
    table.next_cart().await;

    let menu: MenuDTO = ok(
        import(&server, big_csv().into_bytes(), "text/csv; charset=utf-8").await,
        200,
    )
    .await;
    let dishes: Vec<_> = menu.categories.iter().flat_map(|c| &c.dishes).collect();
    assert_eq!(dishes.len(), 200);
    assert_eq!(menu.categories.len(), 10);
    assert_eq!(menu.categories[0].name, "分类0");
    let set = crate::dish(&menu, "套餐07");
    let contents: Vec<(&str, u32)> = set
        .set_items
        .iter()
        .map(|i| (i.cuisine_name.as_str(), i.quantity))
        .collect();
    assert_eq!(contents, [("菜品007", 1), ("菜品107", 2)]);
    assert_eq!(crate::dish(&menu, "菜品001").unit_price, Money::from_cents(837));
    assert!(
        dishes.iter().all(|d| d.cuisine_name != "宫保鸡丁"),
        "the file is the whole menu"
    );

    // The table hears of it, and its cart lets go of the dish that left the menu.
    let (mut menu_update, mut emptied) = (false, false);
    while !(menu_update && emptied) {
        let event = table.next_event().await;
        match event.event_type.as_str() {
            sse::MENU_UPDATE => menu_update = true,
            sse::CART_UPDATE => {
                let cart: CartDTO = serde_json::from_str(&event.data).expect("cart");
                emptied = cart.items.is_empty();
            }
            _ => {}
        }
    }
    let json = export(&server, "json").await;
    let file: orderbell_shared::menu::MenuFile = serde_json::from_slice(&json).expect("the JSON export");
    assert_eq!(file.categories.iter().map(|c| c.dishes.len()).sum::<usize>(), 200);
}

#[tokio::test]
async fn a_file_with_broken_rows_is_refused_whole_with_their_rows() {
    let server = TestServer::start().await;
    let before = menu(&server).await;
    let mut lines: Vec<String> = big_csv().lines().map(str::to_owned).collect();
    lines[56] = "分类1,,菜品999,单品,12.345,,,否,".into(); // line 57: three decimals
    lines[99] = "分类2,,坏行".into(); // line 100: three columns
    lines[150] = "分类3,,菜品000,单品,-5,,,否,".into(); // line 151: a second 菜品000, and negative
    let body = refused(
        import(&server, lines.join("\n").into_bytes(), "text/csv").await,
        422,
        "invalid_import",
    )
    .await;
    let rows: Vec<(u32, Option<&str>)> = body.errors.iter().map(|e| (e.row, e.field.as_deref())).collect();
    assert_eq!(
        rows,
        [
            (57, Some("价格")),
            (100, None),
            (151, Some("菜名")),
            (151, Some("价格"))
        ]
    );
    assert!(
        body.message.contains("第 57 行"),
        "the message names the first row: {}",
        body.message
    );
    assert_eq!(menu(&server).await, before, "nothing imported, not even the good rows");

    let json = r#"{"categories":[{"name":"热菜","dishes":[{"cuisineName":"甲","unitPrice":1},{"cuisineName":"乙","unitPrice":0}]}]}"#;
    let body = refused(
        import(&server, json.as_bytes().to_vec(), "application/json").await,
        422,
        "invalid_import",
    )
    .await;
    assert_eq!(
        body.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
        [2],
        "the second dish of the file"
    );
    refused(
        import(&server, b"not json".to_vec(), "application/json").await,
        422,
        "invalid_import",
    )
    .await;
    assert_eq!(menu(&server).await, before);
}
