//! The store's logo: uploaded by the owner, kept and served by the server with its thumbnail,
//! shown to customers; anything that is not a usable image refused, and nothing changed.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};
use orderbell_shared::store::StoreDTO;
use orderbell_tests::TestServer;

use super::refused;

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([200, (x % 256) as u8, (y % 256) as u8])
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encodes");
    bytes
}

async fn upload(server: &TestServer, token: &str, bytes: Vec<u8>) -> reqwest::Response {
    server
        .http
        .put(server.url("/api/stores/1/logo"))
        .bearer_auth(token)
        .header("content-type", "image/png")
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

async fn store(server: &TestServer) -> StoreDTO {
    let response = server.http.get(server.url("/api/stores/1")).send().await.expect("sent");
    response.json().await.expect("a store")
}

#[tokio::test]
async fn the_owners_logo_is_kept_served_and_shown_with_a_thumbnail() {
    let server = TestServer::start().await;
    let bytes = png(600, 400);
    let response = upload(&server, &server.merchant, bytes.clone()).await;
    assert_eq!(response.status(), 200);
    let changed: StoreDTO = response.json().await.expect("the store");
    let logo = changed.logo.clone().expect("the store has its logo");
    assert!(logo.starts_with("/media/") && logo.ends_with(".png"), "{logo}");
    assert_eq!(store(&server).await, changed, "customers read the logo");

    let served = server.http.get(server.url(&logo)).send().await.expect("logo");
    assert_eq!(served.status(), 200);
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable"),
        "its address names its bytes, so it is cached for good"
    );
    assert_eq!(
        served.bytes().await.expect("bytes").to_vec(),
        bytes,
        "the logo as uploaded"
    );
    let thumbnail = changed.logo_thumbnail.expect("a thumbnail for the page's top bar");
    let small = server.http.get(server.url(&thumbnail)).send().await.expect("thumbnail");
    assert_eq!(small.status(), 200);
    let small = image::load_from_memory(&small.bytes().await.expect("bytes")).expect("an image");
    assert!(small.width() < 600, "smaller than the logo: {}", small.width());

    let removed = server
        .http
        .delete(server.url("/api/stores/1/logo"))
        .bearer_auth(&server.merchant)
        .send()
        .await
        .expect("remove");
    assert_eq!(removed.status(), 200);
    let store = store(&server).await;
    assert_eq!((store.logo, store.logo_thumbnail), (None, None));
}

#[tokio::test]
async fn a_logo_that_is_no_image_too_large_or_not_the_owners_is_refused() {
    let server = TestServer::start().await;
    assert_eq!(upload(&server, &server.merchant, png(100, 100)).await.status(), 200);
    let before = store(&server).await;
    refused(
        upload(&server, &server.merchant, b"<svg onload=alert(1)>".to_vec()).await,
        415,
        "invalid_photo",
    )
    .await;
    let huge = vec![0u8; 10 * 1024 * 1024];
    let body = refused(upload(&server, &server.merchant, huge).await, 413, "photo_too_large").await;
    assert!(body.message.contains("5 MB"), "says the limit: {}", body.message);
    refused(
        upload(&server, &server.kitchen, png(100, 100)).await,
        403,
        "role_not_allowed",
    )
    .await;
    refused(
        upload(&server, &server.other_merchant, png(100, 100)).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(store(&server).await, before, "nothing changed");
}
