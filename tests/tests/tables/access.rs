//! Only the store's owner manages its tables and fetches their codes: whoever holds a code can
//! order at that table.

use orderbell_tests::TestServer;
use reqwest::Method;

use crate::owner::{refusal, tables};

#[tokio::test]
async fn only_the_stores_owner_manages_tables_and_fetches_their_codes() {
    let server = TestServer::start().await;
    let before = tables(&server).await;
    let routes = [
        (Method::GET, "/api/stores/1/tables"),
        (Method::POST, "/api/stores/1/tables"),
        (Method::PATCH, "/api/stores/1/tables/1"),
        (Method::DELETE, "/api/stores/1/tables/1"),
        (Method::POST, "/api/stores/1/tables/1/link"),
        (Method::GET, "/api/stores/1/tables/1/qr.png"),
        (Method::GET, "/api/stores/1/tables/1/qr.svg"),
        (Method::GET, "/api/stores/1/tables/qr-sheet.pdf"),
    ];
    let table = server.table_token(1).to_owned();
    let diner = server.join(1, None).await.token;
    for (method, path) in &routes {
        let request = |token: Option<&str>| {
            let request = server.http.request(method.clone(), server.url(path));
            let request = request
                .header("content-type", "application/json")
                .body(r#"{"number":"X1"}"#);
            match token {
                Some(token) => request.bearer_auth(token),
                None => request,
            }
        };
        let send = |token| async move { refusal(request(token).send().await.expect("request")).await };
        assert_eq!(send(None).await, (401, "unauthorized".to_owned()), "{method} {path}");
        assert_eq!(
            send(Some(&server.kitchen)).await,
            (403, "role_not_allowed".to_owned()),
            "{method} {path}: the kitchen may not"
        );
        assert_eq!(send(Some(&server.other_merchant)).await, (403, "forbidden".to_owned()));
        for guest in [&table, &diner] {
            assert_eq!(
                send(Some(guest)).await,
                (403, "forbidden".to_owned()),
                "{method} {path}"
            );
        }
    }
    assert_eq!(tables(&server).await, before, "nothing changed");

    // Another store's owner, on its own store's address, does not reach this store's tables.
    let foreign = server
        .http
        .patch(server.url("/api/stores/2/tables/1"))
        .bearer_auth(&server.other_merchant)
        .json(&serde_json::json!({"number": "X1"}))
        .send()
        .await
        .expect("request");
    assert_eq!(refusal(foreign).await, (404, "table_not_found".to_owned()));
    // Its own store's tables are its own: a table added there is not one of this store's.
    let own = server
        .post(
            "/api/stores/2/tables",
            &server.other_merchant,
            serde_json::json!({"number": "X1"}),
        )
        .await;
    assert_eq!(own.status(), 201, "the other store's owner manages the other store");
    assert_eq!(tables(&server).await, before);
}
