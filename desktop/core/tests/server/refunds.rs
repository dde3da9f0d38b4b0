//! Refunds through the core, against the real server with a provider double that refuses: a
//! rejected paid order's refund fails, the merchant is told once (a notification, not the
//! order voice) and sees it in the view's list live; 重试 has it asked again and it succeeds,
//! or 已线下退款 with a note hands it back; the server's refusals come back as `{code, message}`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_trait::async_trait;
use orderbell_desktop_core::notify::NoteKind;
use orderbell_desktop_core::{Action, ActionError, Effect};
use orderbell_server::payments::{
    ChargeOrder, ChargeStart, CloseOutcome, Gateway, GatewayError, GatewayResult, Provider, RefundOrder, RefundState,
    TradeState,
};
use orderbell_shared::charges::PayChannel;
use orderbell_shared::refunds::{RefundCause, RefundDTO, RefundStatus};
use orderbell_tests::TestServer;

use crate::floor::yuan;
use crate::{App, paid};

const A03: i64 = 3;

/// The simulator's provider (`hmac`) refusing its first `refusals` refunds as WeChat Pay does
/// when the merchant's balance is short, then refunding.
struct Refusing {
    refusals: AtomicU32,
}

impl Refusing {
    fn new(refusals: u32) -> Arc<Refusing> {
        Arc::new(Refusing {
            refusals: AtomicU32::new(refusals),
        })
    }
}

#[async_trait]
impl Gateway for Refusing {
    fn provider(&self) -> Provider {
        Provider::Hmac
    }

    fn channels(&self) -> Vec<PayChannel> {
        vec![PayChannel::Simulator]
    }

    async fn create(&self, _: &ChargeOrder) -> GatewayResult<ChargeStart> {
        Err(GatewayError::Unavailable("not used here".into()))
    }

    async fn query(&self, _: &str) -> GatewayResult<TradeState> {
        Ok(TradeState::Waiting)
    }

    async fn close(&self, _: &str) -> GatewayResult<CloseOutcome> {
        Ok(CloseOutcome::Closed)
    }

    async fn refund(&self, _: &RefundOrder) -> GatewayResult<RefundState> {
        let left = self.refusals.load(Ordering::SeqCst);
        if left > 0 {
            self.refusals.store(left - 1, Ordering::SeqCst);
            return Err(GatewayError::Refused {
                code: "NOT_ENOUGH".into(),
                message: "基本账户余额不足，请充值后重新发起".into(),
            });
        }
        Ok(RefundState::Succeeded {
            provider_refund_id: Some("50300000001".into()),
        })
    }

    async fn query_refund(&self, refund: &RefundOrder) -> GatewayResult<RefundState> {
        self.refund(refund).await
    }
}

/// A03 orders 宫保鸡丁 (¥38.00) and pays; the merchant rejects it from the app: a refund is owed.
async fn rejected(server: &TestServer, app: &App) -> i64 {
    let order = paid(server, A03).await;
    app.until(|v| v.orders.iter().any(|o| o.order.order_id == order)).await;
    let reject = Action::Reject {
        reason: "食材用完了".into(),
    };
    app.desk.act(order, reject).await.expect("the merchant rejects");
    order
}

/// The one refund the view lists, once `want` holds for it.
async fn listed(app: &App, want: impl Fn(&RefundDTO) -> bool) -> RefundDTO {
    let view = app.until(|v| matches!(v.refunds.as_slice(), [r] if want(r))).await;
    view.refunds[0].clone()
}

/// Effects up to the first notification of a failed refund; `None` if the channel runs dry
/// first (every effect of what the view shows is already sent when it shows it).
fn failed_note(app: &mut App) -> Option<orderbell_desktop_core::notify::Note> {
    while let Ok(effect) = app.effects.try_recv() {
        if let Effect::Notify(note) = effect
            && matches!(note.kind, NoteKind::RefundFailed { .. })
        {
            return Some(note);
        }
    }
    None
}

fn code(error: orderbell_desktop_core::Error) -> String {
    ActionError::from(error).code
}

#[tokio::test]
async fn a_refused_refund_is_told_once_listed_live_and_retried_until_it_succeeds() {
    let server = TestServer::start_with_gateway(|_| {}, Refusing::new(1)).await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let refunds = app.desk.refunds();
    let order = rejected(&server, &app).await;

    let failed = listed(&app, |r| r.status == RefundStatus::Failed).await;
    assert_eq!(failed.order_id, Some(order));
    assert_eq!(failed.table_number.as_deref(), Some("A03"));
    assert_eq!(
        (failed.cause, failed.amount, failed.attempts),
        (RefundCause::Rejected, yuan(3800), 1)
    );
    let why = failed.last_error.clone().expect("why it failed");
    assert!(why.contains("基本账户余额不足"), "in the provider's words: {why}");

    let note = failed_note(&mut app).expect("the merchant is told the refund failed");
    assert_eq!(
        note.kind,
        NoteKind::RefundFailed {
            refund_id: failed.refund_id
        }
    );
    assert_eq!(note.summary, "退款失败 A03号桌 ¥38.00");
    assert!(note.body.contains("基本账户余额不足"), "{}", note.body);
    assert_eq!(
        refunds.list(false).await.expect("the open refunds"),
        std::slice::from_ref(&failed),
        "the view's list is the server's"
    );

    let blank = refunds
        .mark_offline(failed.refund_id, "  ")
        .await
        .expect_err("a note is needed");
    assert_eq!(code(blank), "note_required");
    let retried = refunds.retry(failed.refund_id).await.expect("the merchant retries");
    assert_eq!(retried.status, RefundStatus::Due, "to be asked for again");

    // The provider takes it this time: it leaves the open list without a reload.
    app.until(|v| v.refunds.is_empty()).await;
    let all = refunds.list(true).await.expect("every refund");
    let done = all
        .iter()
        .find(|r| r.refund_id == failed.refund_id)
        .expect("still in 全部");
    assert_eq!((done.status, done.attempts), (RefundStatus::Succeeded, 2));
    assert!(refunds.list(false).await.expect("open").is_empty());
    let again = refunds
        .retry(failed.refund_id)
        .await
        .expect_err("nothing left to retry");
    assert_eq!(code(again), "refund_done");
    assert_eq!(
        failed_note(&mut app),
        None,
        "told once: due, requested and succeeded say nothing"
    );
}

#[tokio::test]
async fn a_failed_refund_is_marked_handed_back_offline_and_every_app_sees_it_go() {
    let server = TestServer::start_with_gateway(|_| {}, Refusing::new(u32::MAX)).await;
    let (first, second) = (tempfile::tempdir().expect("data"), tempfile::tempdir().expect("data"));
    let mut app = App::merchant(&server, first.path()).await;
    rejected(&server, &app).await;
    let failed = listed(&app, |r| r.status == RefundStatus::Failed).await;
    assert!(failed_note(&mut app).is_some(), "the app that was listening is told");

    // An app paired afterwards lists it from the start; what happened before is no news to it.
    let mut later = App::merchant(&server, second.path()).await;
    let seen = listed(&later, |r| r.refund_id == failed.refund_id).await;
    assert_eq!(seen, failed);

    let marked = later
        .desk
        .refunds()
        .mark_offline(failed.refund_id, "已现金退还")
        .await
        .expect("the counter hands it back in cash");
    assert_eq!(marked.status, RefundStatus::Offline);
    let by = marked.handled_by.clone().expect("who handed it back, and how");
    assert!(by.contains("已现金退还"), "{by}");
    app.until(|v| v.refunds.is_empty()).await;
    later.until(|v| v.refunds.is_empty()).await;
    let retry = app
        .desk
        .refunds()
        .retry(failed.refund_id)
        .await
        .expect_err("handed back already");
    assert_eq!(code(retry), "refund_done");
    assert_eq!(
        failed_note(&mut later),
        None,
        "the later app was never told of the old failure"
    );
}
