//! `orderbell qr` writes the same codes the owner fetches over HTTP, and `orderbell links` prints
//! the current links, regenerated ones included.

use orderbell_tests::{TestServer, binary};

use crate::owner::{all, tables};
use crate::regenerate::regenerate;
use orderbell_tests::qr::{pdf_pages, png_codes, svg_codes};

/// Run the command beside the server. Asynchronously: the server runs on this test's runtime, and
/// a blocking wait would freeze it, perhaps inside a write, and leave the command waiting on a lock
/// that cannot be released.
async fn orderbell(server: &TestServer, args: &[&str]) -> String {
    let output = tokio::process::Command::new(binary())
        .args(server.data_flags())
        .args(["--public-url", &server.url("")])
        .args(args)
        .output()
        .await
        .expect("orderbell runs");
    assert!(
        output.status.success(),
        "orderbell {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[tokio::test]
async fn orderbell_qr_writes_the_sheet_and_each_code_and_links_prints_the_current_links() {
    let server = TestServer::start().await;
    let fresh = regenerate(&server, 2).await;
    let listed = tables(&server).await;
    let mut links: Vec<String> = all(&listed).iter().map(|t| t.link.clone()).collect();
    links.sort();

    let out = tempfile::tempdir().expect("temporary dir");
    let folder = out.path().join("qr");
    let written = orderbell(&server, &["qr", "--store", "1", "--out", &folder.to_string_lossy()]).await;
    assert_eq!(
        written.lines().count(),
        1 + 2 * 12,
        "the sheet, and a PNG and an SVG per table"
    );

    let pdf = std::fs::read(folder.join("qr-sheet.pdf")).expect("the sheet");
    let mut printed: Vec<String> = pdf_pages(&pdf).into_iter().flatten().collect();
    printed.sort();
    assert_eq!(printed, links);
    let png = std::fs::read(folder.join("A02.png")).expect("A02's PNG");
    assert_eq!(png_codes(&png), vec![fresh.link.clone()]);
    let svg = std::fs::read(folder.join("A02.svg")).expect("A02's SVG");
    assert_eq!(svg_codes(&svg), vec![fresh.link.clone()]);

    let printed_links = orderbell(&server, &["links"]).await;
    let expected: Vec<String> = all(&listed)
        .iter()
        .map(|t| format!("{}\t{}", t.number, t.link))
        .collect();
    assert_eq!(printed_links.lines().collect::<Vec<_>>(), expected);

    // Another store with an A01 of its own: `--store` tells the two apart.
    let theirs: orderbell_shared::TableDTO = server
        .post(
            "/api/stores/2/tables",
            &server.other_merchant,
            serde_json::json!({"number": "A01"}),
        )
        .await
        .json()
        .await
        .expect("the other store's table");
    assert_eq!(
        orderbell(&server, &["links", "--store", "1"])
            .await
            .lines()
            .collect::<Vec<_>>(),
        expected
    );
    assert_eq!(
        orderbell(&server, &["links", "--store", "2"]).await,
        format!("A01\t{}\n", theirs.link)
    );
    assert_eq!(
        orderbell(&server, &["links"]).await.lines().count(),
        expected.len() + 1,
        "all stores"
    );
}

#[tokio::test]
async fn a_switch_set_in_the_environment_takes_1_as_people_write_it() {
    // The fake providers' settings file (and many a deployment) says ORDERBELL_NO_SIMULATOR=1.
    let data = tempfile::tempdir().expect("temporary dir");
    let output = tokio::process::Command::new(binary())
        .arg("--data-dir")
        .arg(data.path())
        .env("ORDERBELL_NO_DEMO", "1")
        .env("ORDERBELL_NO_SIMULATOR", "1")
        .arg("links")
        .output()
        .await
        .expect("orderbell runs");
    assert!(
        output.status.success(),
        "1 is a yes: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "no demo store, so no table links");
}
