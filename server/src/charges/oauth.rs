//! The round trip a page inside WeChat makes to learn the payer's `openid` before a JSAPI
//! payment: `GET /api/pay/wechat/oauth?back=/t/3` sends the browser to WeChat's authorize page,
//! which comes back to `/api/pay/wechat/oauth/back?code=…&state=…`; that sends it on to the page
//! with `#openid=…`. The page's path travels in `state`, signed with the server's key, so the
//! round trip can only ever end on one of our own pages.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use orderbell_shared::ErrorBody;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::extract::Query;
use crate::payments::wechat::Oauth;
use crate::state::AppState;

/// WeChat keeps `state` to 128 bytes; the signed path's encoding and tag take the rest.
const MAX_BACK_BYTES: usize = 60;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Start {
    /// The page to come back to: a path of this site, e.g. `/t/3`.
    back: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Back {
    /// WeChat's one-time code.
    code: Option<String>,
    /// What `/api/pay/wechat/oauth` sent to WeChat.
    state: Option<String>,
}

type Found = (StatusCode, [(axum::http::HeaderName, String); 1]);

fn found(location: String) -> Found {
    (StatusCode::FOUND, [(LOCATION, location)])
}

#[utoipa::path(get, path = "/api/pay/wechat/oauth", tag = "payments",
    summary = "微信内付款前取得付款人的 openid：转到微信授权页（snsapi_base），回来后带着 #openid=… 回到 back",
    params(Start),
    responses(
        (status = 302, description = "转到微信的授权页", headers(("Location" = String))),
        (status = 404, body = ErrorBody, description = "wechat_oauth_off：本店没有开通微信内支付"),
        (status = 422, body = ErrorBody, description = "invalid_back：back 不是本站的页面路径"),
    ),
    security(())
)]
pub async fn start(State(state): State<AppState>, query: Result<Query<Start>>) -> Result<Found> {
    let oauth = configured(&state)?;
    let Query(Start { back }) = query?;
    let back = back
        .filter(|b| same_site_path(b))
        .ok_or_else(|| Error::invalid("invalid_back", "付款后要回到的页面不对：请从本店的点餐页面重新点支付"))?;
    let redirect_uri = format!("{}/api/pay/wechat/oauth/back", state.public_url);
    let signed = state.keys.sign_return_path(&back);
    Ok(found(oauth.authorize_url(&redirect_uri, &signed)))
}

#[utoipa::path(get, path = "/api/pay/wechat/oauth/back", tag = "payments",
    summary = "微信授权页回到这里：换得 openid，带着 #openid=… 回到原来的页面",
    params(Back),
    responses(
        (status = 302, description = "回到原来的页面，地址的 # 后面是 openid=…", headers(("Location" = String))),
        (status = 400, body = ErrorBody, description = "invalid_state / missing_code"),
        (status = 404, body = ErrorBody, description = "wechat_oauth_off"),
        (status = 502, body = ErrorBody, description = "微信不可达或拒绝了这个 code"),
    ),
    security(())
)]
pub async fn back(State(state): State<AppState>, query: Result<Query<Back>>) -> Result<Found> {
    let oauth = configured(&state)?;
    let Query(Back { code, state: signed }) = query?;
    let back = signed
        .and_then(|s| state.keys.verify_return_path(&s))
        .filter(|b| same_site_path(b))
        .ok_or_else(|| Error::bad_request("invalid_state", "微信授权的回跳地址无效：请回到点餐页面重新点支付"))?;
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Error::bad_request("missing_code", "没有取得微信授权：请回到点餐页面重新点支付"))?;
    let openid = oauth.openid(&code).await?;
    // The page's own fragment gives way: the page reads the openid from it.
    let page = back.split('#').next().unwrap_or_default();
    let fragment: String = form_urlencoded::byte_serialize(openid.as_bytes()).collect();
    Ok(found(format!("{page}#openid={fragment}")))
}

fn configured(state: &AppState) -> Result<&Oauth> {
    state.payments.wechat_oauth.as_ref().ok_or_else(|| Error::BadRequest {
        status: StatusCode::NOT_FOUND,
        code: "wechat_oauth_off",
        message: "本店没有开通微信内支付：请换一种支付方式".into(),
    })
}

/// A path on this site, and nothing a browser could read as another site (`//host`, `/\host`)
/// or that could break the `Location` header. Browsers send paths percent-encoded, so printable
/// ASCII without backslashes is all a real one needs.
fn same_site_path(back: &str) -> bool {
    back.len() <= MAX_BACK_BYTES
        && back.starts_with('/')
        && !back.starts_with("//")
        && back.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

#[cfg(test)]
mod tests {
    use super::same_site_path;

    #[test]
    fn only_this_sites_paths_are_places_to_come_back_to() {
        for good in ["/t/3", "/t/3?b=12", "/", "/pay/7#x"] {
            assert!(same_site_path(good), "{good} is one of our pages");
        }
        for bad in [
            "",
            "t/3",
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "/t/3\r\nSet-Cookie: x=1",
            "/t/\u{7f}",
            "/t/ 3",
            "/桌",
            &format!("/{}", "a".repeat(60)),
        ] {
            assert!(!same_site_path(bad), "{bad:?} must be refused");
        }
    }
}
