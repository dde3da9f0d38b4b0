//! Creating charges: the methods on offer, a charge and a second tap, a bill's charge, and each
//! refusal saying why with nothing created.

use orderbell_shared::bills::bill_no;
use orderbell_shared::charges::{ChargeStatus, PayChannel, PayMethods};
use orderbell_shared::{Money, OrderStatus, SubmitOrderRequest};
use orderbell_tests::TestServer;
use serde_json::json;

use crate::{Trade, channel, charge, charged, refused, server_with_ledger};

#[tokio::test]
async fn the_embedded_server_offers_the_simulator_and_a_second_tap_gets_the_same_charge() {
    let server = TestServer::start().await;
    let methods: PayMethods = server.get("/api/pay/methods", "").await.json().await.expect("methods");
    assert_eq!(methods.channels, [PayChannel::Simulator]);
    assert_eq!(methods.wechat_oauth, None, "no JSAPI, no detour for an openid");

    let order = server.order(3, &[(1001, 1)]).await;
    let first = charged(charge(&server, &order, channel("simulator")).await, 201).await;
    assert_eq!(
        first.trade_no, order.order.order_no,
        "the first charge carries the order's number"
    );
    assert_eq!(
        (first.amount, first.status),
        (order.order.total_amount, ChargeStatus::Open)
    );
    assert_eq!(
        first.redirect_url.as_deref(),
        Some(format!("/pay/{}", order.order.order_id).as_str()),
        "the simulator's cashier page"
    );
    let again = charged(charge(&server, &order, channel("simulator")).await, 200).await;
    assert_eq!(again, first, "a second tap is handed the same charge");
}

#[tokio::test]
async fn a_charge_on_a_provider_shows_its_code_and_another_channel_is_a_new_charge() {
    let (server, ledger, _) = server_with_ledger().await;
    let order = server.order(3, &[(1001, 2)]).await;
    let native = charged(charge(&server, &order, channel("wechat_native")).await, 201).await;
    let code = native.qr_code.clone().expect("the code to show");
    assert!(code.starts_with("weixin://"), "{code}");
    let svg = native.qr_svg.as_deref().expect("the code drawn");
    assert!(svg.starts_with("<svg"), "{svg}");
    assert_eq!(
        ledger.trade(&native.trade_no),
        Some(Trade::Waiting(order.order.total_amount))
    );

    let qr = charged(charge(&server, &order, channel("alipay_qr")).await, 201).await;
    assert_eq!(qr.trade_no, format!("{}_2", order.order.order_no));
    let closed = async {
        while ledger.trade(&native.trade_no) != Some(Trade::Closed) {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(orderbell_tests::PATIENCE, closed)
        .await
        .expect("the replaced charge is closed at its provider, so it cannot be paid as well");
}

#[tokio::test]
async fn a_table_pays_its_whole_bill_through_a_charge() {
    let (server, ledger, _) = server_with_ledger().await;
    server.pay_later().await;
    let diner = server.join(3, None).await;
    let body = json!({"tableId": 3, "cuisineId": 1001, "quantity": 2});
    assert_eq!(server.add(&diner.token, body).await.status(), 200);
    let submit = SubmitOrderRequest {
        table_id: 3,
        idempotency_key: "bill-charge".into(),
        cart_version: None,
    };
    let response = server
        .post("/api/orders", &diner.token, serde_json::to_value(submit).expect("json"))
        .await;
    assert_eq!(response.status(), 201);
    let submitted: orderbell_shared::SubmittedOrder = response.json().await.expect("order");
    let bill_id = submitted.order.bill_id.expect("a round of the bill");

    let path = format!("/api/bills/{bill_id}/charges");
    let stranger = server.join(4, None).await;
    refused(
        server.post(&path, &stranger.token, channel("wechat_native")).await,
        403,
        "forbidden",
    )
    .await;
    let bill = charged(server.post(&path, &diner.token, channel("wechat_native")).await, 201).await;
    assert_eq!(bill.trade_no, bill_no(bill_id));
    assert_eq!(bill.amount, Money::from_cents(7600), "what the bill owes");
    assert_eq!(ledger.trade(&bill.trade_no), Some(Trade::Waiting(bill.amount)));
    let again = charged(server.post(&path, &diner.token, channel("wechat_native")).await, 200).await;
    assert_eq!(again.trade_no, bill.trade_no);
}

#[tokio::test]
async fn refused_charges_say_why_and_create_nothing() {
    let (server, ledger, _) = server_with_ledger().await;
    let order = server.order(3, &[(1001, 1)]).await;
    let other = server.order(4, &[(1001, 1)]).await;

    refused(
        charge(&server, &order, channel("paypal")).await,
        422,
        "channel_unavailable",
    )
    .await;
    refused(
        charge(&server, &order, channel("simulator")).await,
        422,
        "channel_unavailable",
    )
    .await;
    refused(
        charge(&server, &order, channel("wechat_jsapi")).await,
        422,
        "openid_required",
    )
    .await;
    let path = format!("/api/orders/{}/charges", order.order.order_id);
    refused(
        server.post(&path, &other.token, channel("wechat_native")).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        ledger.trade(&order.order.order_no),
        None,
        "nothing was created at the provider"
    );

    let jsapi = json!({"channel": "wechat_jsapi", "openid": "o-payer"});
    let first = charged(charge(&server, &order, jsapi).await, 201).await;
    assert_eq!(
        first.trade_no, order.order.order_no,
        "the refusals used up no trade number"
    );
}

#[tokio::test]
async fn an_order_no_longer_awaiting_payment_is_not_charged() {
    let server = TestServer::start().await;
    let order = server.order(3, &[(1001, 1)]).await;
    server.pay(&order).await;
    server.order_becomes(&order, OrderStatus::Paid).await;
    let body = refused(
        charge(&server, &order, channel("simulator")).await,
        409,
        "invalid_transition",
    )
    .await;
    assert_eq!(body.current_status, Some(OrderStatus::Paid));
}
