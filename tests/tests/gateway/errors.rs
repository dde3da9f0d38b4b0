//! Refusals through nginx: the server's JSON `{code, message}` reaches the client unchanged, and
//! what nginx refuses itself (an outsider asking for /metrics, a body over its limit, no instance
//! answering) is worded the same way. A photo of several megabytes gets through.

use std::io::Cursor;
use std::net::{IpAddr, Ipv4Addr};

use image::{DynamicImage, ImageFormat, RgbImage};
use orderbell_shared::DishDTO;
use orderbell_tests::refused;

use crate::Gateway;

#[tokio::test]
async fn the_servers_refusals_reach_the_client_through_nginx() {
    let gateway = Gateway::start().await;
    let diner = gateway.join(2, None).await;
    let malformed = gateway
        .http
        .post(gateway.url("/api/store/order/cart/add"))
        .bearer_auth(&diner.token)
        .header("content-type", "application/json")
        .body("{\"tableId\": 2,")
        .send()
        .await
        .expect("sent");
    refused(malformed, 400, "malformed_json").await;

    let stream = gateway.url("/api/store/order/sse/2");
    let anonymous = gateway.http.get(&stream).send().await.expect("sent");
    refused(anonymous, 401, "unauthorized").await;
    let bad_resume = gateway
        .http
        .get(&stream)
        .bearer_auth(&diner.token)
        .header("Last-Event-ID", "yesterday")
        .send()
        .await
        .expect("sent");
    refused(bad_resume, 400, "invalid_last_event_id").await;

    // A socket's address asked without the handshake reaches the server as a plain request.
    let plain = gateway.get("/ws/cart/2", &diner.token).await;
    refused(plain, 400, "websocket_required").await;
    refused(gateway.get("/no/such/page", &diner.token).await, 404, "route_not_found").await;
}

#[tokio::test]
async fn metrics_are_for_loopback_only() {
    let gateway = Gateway::start().await;
    // From the machine itself the request goes on to the instance, whatever it answers.
    let local = gateway.http.get(gateway.url("/metrics")).send().await.expect("sent");
    assert_ne!(local.status(), 403, "nginx lets loopback through");

    // Any other address is refused by nginx (127.0.0.2 is this machine too, but not 127.0.0.1,
    // so it stands for an outsider here).
    let outsider = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .expect("a client bound to 127.0.0.2");
    let refusal = outsider.get(gateway.url("/metrics")).send().await.expect("sent");
    refused(refusal, 403, "forbidden").await;
}

fn noise_png(side: u32) -> Vec<u8> {
    // Random pixels do not compress: the file is about side² × 3 bytes.
    let image = RgbImage::from_fn(side, side, |_, _| image::Rgb(rand::random()));
    let mut bytes = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encodes");
    bytes
}

async fn upload(gateway: &Gateway, bytes: Vec<u8>) -> reqwest::Response {
    gateway
        .http
        .put(gateway.url("/api/stores/1/dishes/1001/photo"))
        .bearer_auth(&gateway.merchant)
        .header("content-type", "image/png")
        .body(bytes)
        .send()
        .await
        .expect("upload sent")
}

#[tokio::test]
async fn photos_up_to_the_servers_limit_pass_and_larger_bodies_are_refused_in_json() {
    let gateway = Gateway::start().await;
    // About 4.3 MB: four times nginx's default `client_max_body_size`.
    let photo = noise_png(1200);
    assert!(photo.len() > 4_000_000 && photo.len() < 5 * 1024 * 1024);
    let uploaded = upload(&gateway, photo).await;
    assert_eq!(uploaded.status(), 200, "a 4 MB photo uploads through nginx");
    let dish: DishDTO = uploaded.json().await.expect("the dish");
    assert!(dish.cuisine_image.is_some());

    // Just over the server's 5 MB: the server's own refusal comes back.
    refused(
        upload(&gateway, vec![0; 5 * 1024 * 1024 + 1]).await,
        413,
        "photo_too_large",
    )
    .await;
    // Beyond what nginx takes at all: nginx refuses, in the same words.
    refused(upload(&gateway, vec![0; 7 * 1024 * 1024]).await, 413, "body_too_large").await;
}

#[tokio::test]
async fn with_no_instance_answering_nginx_says_so_in_json() {
    let gateway = Gateway::start().await;
    let Gateway {
        server,
        nginx: _nginx,
        api,
    } = gateway;
    let _dir = server.stop_gracefully().await;
    refused(
        api.get("/api/stores/1/menu", &api.merchant).await,
        503,
        "service_unavailable",
    )
    .await;
}
