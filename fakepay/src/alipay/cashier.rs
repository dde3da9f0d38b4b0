//! The wap cashier `alipay.trade.wap.pay` opens in the payer's browser: 确认支付 pays, notifies,
//! and goes back to the merchant's `return_url` with the signed synchronous return.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::trades::{SELLER_ID, book, datetime, open_trade, pay, summary};
use super::{Answer, Request};
use crate::Fake;
use crate::page::{escape, page};
use crate::signers::signed_form;

pub(super) fn open(fake: &Fake, request: &Request) -> Answer {
    let id = match open_trade(fake, request, true) {
        Ok(id) => id,
        Err(refusal) => {
            let message = refusal["sub_msg"].as_str().unwrap_or("交易无法支付").to_owned();
            let body = format!("<p>{}，请返回商家页面重新下单。</p>", escape(&message));
            return Answer::Page((StatusCode::BAD_REQUEST, page("支付宝", &body)).into_response());
        }
    };
    let Some((subject, yuan, _, _)) = summary(fake, &id) else {
        return Answer::Page(StatusCode::NOT_FOUND.into_response());
    };
    let body = format!(
        r#"<p>{}</p><p class="amount">￥{yuan}</p><form method="post" action="/_fake/alipay/wap/{id}"><button>确认支付</button></form>"#,
        escape(&subject)
    );
    Answer::Page(page("支付宝 收银台", &body).into_response())
}

pub(super) async fn confirm(State(fake): State<Arc<Fake>>, Path(id): Path<String>) -> Response {
    let Some((_, _, _, out_trade_no)) = summary(&fake, &id) else {
        return (
            StatusCode::NOT_FOUND,
            page("支付宝", "<p>交易不存在，请返回商家页面重新下单。</p>"),
        )
            .into_response();
    };
    if let Err(e) = pay(&fake, &out_trade_no) {
        return (
            StatusCode::CONFLICT,
            page("支付宝", &format!("<p>{}</p>", escape(&e.to_string()))),
        )
            .into_response();
    }
    let back = {
        let book = book(&fake);
        book.trades.get(&out_trade_no).and_then(|trade| {
            let return_url = trade.return_url.clone()?;
            let app_id = fake.keys.alipay.app_id.as_str();
            let timestamp = datetime();
            let params = [
                ("charset", "utf-8"),
                ("out_trade_no", trade.out_trade_no.as_str()),
                ("method", "alipay.trade.wap.pay.return"),
                ("total_amount", trade.total_amount.as_str()),
                ("trade_no", trade.trade_no.as_str()),
                ("auth_app_id", app_id),
                ("version", "1.0"),
                ("app_id", app_id),
                ("seller_id", SELLER_ID),
                ("timestamp", timestamp.as_str()),
            ];
            let separator = if return_url.contains('?') { '&' } else { '?' };
            Some(format!(
                "{return_url}{separator}{}",
                signed_form(&fake.keys.alipay_key, &params)
            ))
        })
    };
    match back {
        Some(url) => (StatusCode::SEE_OTHER, [(header::LOCATION, url)]).into_response(),
        None => page("支付成功", "<p>支付成功，请返回商家页面。</p>").into_response(),
    }
}
