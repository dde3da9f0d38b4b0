//! Each table's QR code, as PNG, SVG and on the printed A4 sheet, read back by a real decoder to
//! exactly the table's current link.

use orderbell_shared::TableDTO;
use orderbell_tests::TestServer;
use serde_json::json;

use crate::owner::{all, file, refusal, tables};
use crate::read::{pdf_pages, pdf_text, png_codes, svg_codes};
use crate::regenerate::regenerate;

#[tokio::test]
async fn each_tables_png_and_svg_read_back_to_its_exact_link() {
    let server = TestServer::start().await;
    let room: TableDTO = server
        .post(
            "/api/stores/1/tables",
            &server.merchant,
            json!({"number": "包间1", "area": "包间"}),
        )
        .await
        .json()
        .await
        .expect("added");
    let listed = tables(&server).await;
    for table in all(&listed)
        .into_iter()
        .filter(|t| [1, 12, room.table_id].contains(&t.table_id))
    {
        let base = format!("/api/stores/1/tables/{}", table.table_id);
        let (kind, png) = file(&server, &format!("{base}/qr.png")).await;
        assert_eq!(kind, "image/png");
        assert_eq!(png_codes(&png), vec![table.link.clone()], "{}'s PNG", table.number);
        let (kind, svg) = file(&server, &format!("{base}/qr.svg")).await;
        assert_eq!(kind, "image/svg+xml");
        assert_eq!(svg_codes(&svg), vec![table.link.clone()], "{}'s SVG", table.number);
    }

    let fresh = regenerate(&server, 1).await;
    let (_, png) = file(&server, "/api/stores/1/tables/1/qr.png").await;
    assert_eq!(png_codes(&png), vec![fresh.link], "the code follows the new link");
}

#[tokio::test]
async fn the_printed_sheet_reads_back_to_every_tables_link() {
    let server = TestServer::start().await;
    let added = server
        .post(
            "/api/stores/1/tables",
            &server.merchant,
            json!({"number": "包间1", "area": "包间"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    regenerate(&server, 7).await;
    let listed = tables(&server).await;
    let mut links: Vec<String> = all(&listed).iter().map(|t| t.link.clone()).collect();
    links.sort();

    let (kind, pdf) = file(&server, "/api/stores/1/tables/qr-sheet.pdf").await;
    assert_eq!(kind, "application/pdf");
    let pages = pdf_pages(&pdf);
    let per_page: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(
        per_page,
        vec![6, 6, 1],
        "thirteen tables, six to an A4 page, every code readable"
    );
    let mut printed: Vec<String> = pages.into_iter().flatten().collect();
    printed.sort();
    assert_eq!(printed, links, "each code on the sheet is its table's current link");

    let text = pdf_text(&pdf);
    assert_eq!(text.matches("铃声小馆").count(), 13, "the store's name on every card");
    assert_eq!(text.matches("扫码点餐").count(), 13, "and the hint");
    for table in all(&listed) {
        assert!(text.contains(&table.number), "{} is printed: {text}", table.number);
    }
}

#[tokio::test]
async fn a_store_without_tables_is_told_to_add_some_before_printing() {
    let server = TestServer::start().await;
    for table_id in 1..=12 {
        let path = format!("/api/stores/1/tables/{table_id}");
        let removed = server
            .http
            .delete(server.url(&path))
            .bearer_auth(&server.merchant)
            .send()
            .await;
        assert_eq!(removed.expect("DELETE").status(), 204);
    }
    let sheet = server
        .http
        .get(server.url("/api/stores/1/tables/qr-sheet.pdf"))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("sheet request");
    assert_eq!(refusal(sheet).await, (409, "no_tables".to_owned()));
}
