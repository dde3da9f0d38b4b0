//! Asking a provider that fails, stalls or refuses: a double at the `Gateway` boundary answers
//! as scripted, and records every request, so each test sees what the provider was asked.

use orderbell_server::clock::Clock as _;
use orderbell_server::payments::GatewayError;
use orderbell_shared::refunds::{RefundDTO, RefundStatus};
use orderbell_shared::{Money, SubmittedOrder};
use orderbell_tests::TestServer;
use orderbell_tests::providers::FakeWebhook;
use serde_json::json;

use super::{Asked, Scripted, processing, refund_when, refunds_of, refused, reject, succeeded, unavailable};

/// Every request was for this refund, by its number, for the order's whole payment.
fn all_for(asked: &[Asked], refund: &RefundDTO, order: &SubmittedOrder) {
    for request in asked {
        let (Asked::Refund(r) | Asked::Query(r)) = request;
        assert_eq!(
            r.refund_no, refund.refund_no,
            "one refund number, so the provider refunds once"
        );
        assert_eq!(r.transaction_id, format!("SIM{}", order.order.order_no));
        assert_eq!((r.amount, r.paid), (refund.amount, order.order.total_amount));
    }
}

#[tokio::test]
async fn a_refund_the_provider_could_not_take_is_asked_again_later_and_succeeds_once() {
    let gateway = Scripted::new([Err(unavailable())], []);
    let server = TestServer::start_with_gateway(|_| {}, gateway.clone()).await;
    let order = server.paid(3, &[(1001, 1)]).await;
    reject(&server, &order).await;

    let waiting = refund_when(&server, &order, |r| r.attempts == 1).await;
    assert_eq!(waiting.status, RefundStatus::Due, "still owed, to be asked again");
    let why = waiting.last_error.expect("the merchant reads why");
    assert!(!why.is_ascii(), "in Chinese: {why}");
    assert_eq!(gateway.asked().len(), 1, "not asked again before its time");

    server.clock.advance_secs(5);
    let done = refund_when(&server, &order, |r| r.status == RefundStatus::Succeeded).await;
    assert_eq!((done.attempts, done.last_error.as_deref()), (2, None));
    assert_eq!(done.amount, Money::from_cents(3800));
    let asked = gateway.asked();
    assert!(
        matches!(asked.as_slice(), [Asked::Refund(_), Asked::Refund(_)]),
        "{asked:?}"
    );
    all_for(&asked, &done, &order);
    assert_eq!(gateway.successes(), 1, "the money went back once");
}

#[tokio::test]
async fn a_refund_the_provider_is_processing_is_queried_until_it_is_done() {
    let gateway = Scripted::new([Ok(processing())], [Ok(processing()), Ok(succeeded())]);
    let server = TestServer::start_with_gateway(|_| {}, gateway.clone()).await;
    let order = server.paid(4, &[(1002, 1)]).await;
    reject(&server, &order).await;

    let requested = refund_when(&server, &order, |r| r.status == RefundStatus::Requested).await;
    let id = requested.refund_id;
    // The provider has it: the merchant neither asks again nor hands it back meanwhile.
    let offline = offline(&server, id, "已现金退还").await;
    refused(offline, 409, "refund_in_progress").await;
    let retry = retry(&server, id).await;
    refused(retry, 409, "refund_in_progress").await;

    server.clock.advance_secs(5);
    let still = refund_when(&server, &order, |r| r.attempts == 2).await;
    assert_eq!(
        still.status,
        RefundStatus::Requested,
        "still processing after the first query"
    );
    server.clock.advance_secs(30);
    let done = refund_when(&server, &order, |r| r.status == RefundStatus::Succeeded).await;
    assert!(done.completed_at.is_some_and(|at| at >= server.clock.now_ms() - 60_000));
    let asked = gateway.asked();
    assert!(
        matches!(asked.as_slice(), [Asked::Refund(_), Asked::Query(_), Asked::Query(_)]),
        "asked once, then queried: {asked:?}"
    );
    all_for(&asked, &done, &order);
}

#[tokio::test]
async fn a_refused_refund_fails_until_the_merchant_retries_it() {
    let refusal = GatewayError::Refused {
        code: "NOT_ENOUGH".into(),
        message: "基本账户余额不足，请充值后重新发起".into(),
    };
    let gateway = Scripted::new([Err(refusal)], []);
    let server = TestServer::start_with_gateway(|_| {}, gateway.clone()).await;
    let order = server.paid(5, &[(1001, 1)]).await;
    reject(&server, &order).await;

    let failed = refund_when(&server, &order, |r| r.status == RefundStatus::Failed).await;
    let why = failed.last_error.clone().expect("why it failed");
    assert!(why.contains("基本账户余额不足"), "in the provider's words: {why}");

    let retried = retry(&server, failed.refund_id).await;
    assert_eq!(retried.status(), 200, "the merchant has it asked for again");
    let retried: orderbell_shared::refunds::RefundDTO = retried.json().await.expect("the refund");
    assert_eq!(retried.status, RefundStatus::Due);

    let done = refund_when(&server, &order, |r| r.status == RefundStatus::Succeeded).await;
    let asked = gateway.asked();
    assert_eq!(asked.len(), 2, "refused once, asked once more: {asked:?}");
    all_for(&asked, &done, &order);
    assert_eq!(gateway.successes(), 1);
    let again = retry(&server, done.refund_id).await;
    refused(again, 409, "refund_done").await;
}

#[tokio::test]
async fn a_refund_with_no_provider_to_ask_waits_for_the_merchant_to_hand_it_back() {
    // The simulator is off, so nobody here can refund its (hmac) payments: the merchant does.
    let provider = FakeWebhook::new();
    let server = TestServer::start_with(|c| {
        c.payments.no_simulator = true;
        c.payments.webhook_secret = Some(provider.secret.parse().expect("secret"));
        c.payments.webhook_merchant_id = provider.merchant_id.clone();
    })
    .await;
    let order = server.order(2, &[(1002, 1)]).await;
    let cancel = server
        .post_empty(&format!("/api/orders/{}/cancel", order.order.order_id), &order.token)
        .await;
    assert_eq!(cancel.status(), 200);
    let signed = provider.notify(
        &order.order.order_no,
        "TX-LATE",
        order.order.total_amount,
        server.clock.now_ms() / 1000,
    );
    let response = server.notify("hmac", &signed).await;
    assert_eq!(response.status(), 204);
    let owed = refund_when(&server, &order, |r| r.status == RefundStatus::Due).await;
    let id = owed.refund_id;

    let open: Vec<RefundDTO> = server
        .get("/api/stores/1/refunds", &server.merchant)
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(open.iter().map(|r| r.refund_id).collect::<Vec<_>>(), [id]);
    let blank = offline(&server, id, "  ").await;
    refused(blank, 422, "note_required").await;
    let marked = offline(&server, id, "已现金退还").await;
    assert_eq!(marked.status(), 200);
    let marked: RefundDTO = marked.json().await.expect("the refund");
    assert_eq!(marked.status, RefundStatus::Offline);
    let by = marked.handled_by.clone().expect("who handed it back");
    assert!(by.contains("店主") && by.contains("已现金退还"), "{by}");
    assert_eq!(
        refunds_of(&server, &order).await,
        std::slice::from_ref(&marked),
        "the customer sees it handed back"
    );

    let open: Vec<RefundDTO> = server
        .get("/api/stores/1/refunds", &server.merchant)
        .await
        .json()
        .await
        .expect("list");
    assert!(open.is_empty(), "nothing left open");
    let all: Vec<RefundDTO> = server
        .get("/api/stores/1/refunds?status=all", &server.merchant)
        .await
        .json()
        .await
        .expect("list");
    assert_eq!(all, [marked]);
    let again = offline(&server, id, "再退一次").await;
    refused(again, 409, "refund_done").await;
}

/// The merchant marks refund `id` handed back offline, with `note`.
async fn offline(server: &TestServer, id: i64, note: &str) -> reqwest::Response {
    let body = json!({ "note": note });
    server
        .post(&format!("/api/refunds/{id}/offline"), &server.merchant, body)
        .await
}

/// The merchant asks for refund `id` again.
async fn retry(server: &TestServer, id: i64) -> reqwest::Response {
    server
        .post_empty(&format!("/api/refunds/{id}/retry"), &server.merchant)
        .await
}
