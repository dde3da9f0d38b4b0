//! Dish photos: uploaded as JPEG, PNG or WebP, stored by the server, served with long cache
//! headers, with a small thumbnail for the menu list; anything else refused.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, RgbImage};
use orderbell_shared::DishDTO;
use orderbell_tests::TestServer;

use crate::{menu, ok, refused};

fn photo(format: ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), format)
        .expect("encodes");
    bytes
}

async fn upload(server: &TestServer, dish: i64, bytes: Vec<u8>, content_type: &str) -> reqwest::Response {
    server
        .http
        .put(server.url(&format!("/api/stores/1/dishes/{dish}/photo")))
        .bearer_auth(&server.merchant)
        .header("content-type", content_type)
        .body(bytes)
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn a_photo_is_served_with_cache_headers_and_a_thumbnail() {
    let server = TestServer::start().await;
    for (dish, format, content_type, extension) in [
        (1001, ImageFormat::Png, "image/png", ".png"),
        (1002, ImageFormat::Jpeg, "image/jpeg", ".jpg"),
        (1003, ImageFormat::WebP, "image/webp", ".webp"),
    ] {
        let bytes = photo(format, 1200, 800);
        let dto: DishDTO = ok(upload(&server, dish, bytes.clone(), content_type).await, 200).await;
        let url = dto.cuisine_image.expect("the dish has its photo");
        assert!(url.starts_with("/media/") && url.ends_with(extension), "{url}");
        let served = server.http.get(server.url(&url)).send().await.expect("photo");
        assert_eq!(served.status(), 200);
        let headers = served.headers().clone();
        assert_eq!(headers["content-type"], content_type);
        let cache = headers["cache-control"].to_str().expect("ascii");
        assert!(
            cache.contains("immutable") && cache.contains("max-age=31536000"),
            "{cache}"
        );
        assert_eq!(
            served.bytes().await.expect("bytes").to_vec(),
            bytes,
            "the photo as uploaded"
        );

        let thumbnail = dto.thumbnail.expect("a thumbnail");
        let small = server.http.get(server.url(&thumbnail)).send().await.expect("thumbnail");
        assert_eq!(small.status(), 200);
        assert!(
            small.headers()["cache-control"]
                .to_str()
                .expect("ascii")
                .contains("immutable")
        );
        let small = image::load_from_memory(&small.bytes().await.expect("bytes")).expect("the thumbnail is an image");
        assert_eq!((small.width(), small.height()), (240, 160), "small, in proportion");
    }
    let menu = menu(&server).await;
    assert!(
        crate::dish(&menu, "宫保鸡丁").thumbnail.is_some(),
        "the menu list carries the thumbnail"
    );
    // A cart line shows the photo too.
    let diner = server.join(1, None).await;
    let added = server
        .add(&diner.token, serde_json::json!({"tableId": 1, "cuisineId": 1001}))
        .await;
    let cart: orderbell_shared::CartDTO = ok(added, 200).await;
    assert!(
        cart.items[0]
            .cuisine_image
            .as_deref()
            .is_some_and(|u| u.ends_with(".png"))
    );
}

#[tokio::test]
async fn a_huge_upload_or_one_that_is_no_image_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    let before = menu(&server).await;
    let ten_mb = vec![0xFFu8; 10 * 1024 * 1024];
    refused(
        upload(&server, 1001, ten_mb, "image/jpeg").await,
        413,
        "photo_too_large",
    )
    .await;
    refused(
        upload(&server, 1001, b"<html>not a photo</html>".to_vec(), "image/png").await,
        415,
        "invalid_photo",
    )
    .await;
    let mut cut = photo(ImageFormat::Png, 300, 300);
    cut.truncate(cut.len() / 3);
    refused(upload(&server, 1001, cut, "image/png").await, 415, "invalid_photo").await;
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec();
    refused(upload(&server, 1001, gif, "image/gif").await, 415, "invalid_photo").await;
    let kitchen = server
        .http
        .put(server.url("/api/stores/1/dishes/1001/photo"))
        .bearer_auth(&server.kitchen)
        .body(photo(ImageFormat::Png, 10, 10))
        .send()
        .await
        .expect("upload");
    refused(kitchen, 403, "role_not_allowed").await;
    assert_eq!(menu(&server).await, before, "no photo, no new menu version");
    let missing = server
        .http
        .get(server.url("/media/../orderbell.db"))
        .send()
        .await
        .expect("request");
    assert!(missing.status().is_client_error());
}
