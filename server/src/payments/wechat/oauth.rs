//! The official account's web OAuth (网页授权, `snsapi_base`): how a page opened inside WeChat
//! learns the payer's `openid`, which a JSAPI payment must name. The browser is sent to
//! WeChat's authorize page, comes back with a one-time `code`, and the server trades the code
//! for the `openid` with the account's AppSecret. `snsapi_base` asks the payer nothing.

use std::time::Duration;

use serde::Deserialize;

use crate::payments::GatewayError;

const TIMEOUT: Duration = Duration::from_secs(10);
/// WeChat's "system busy": the one answer that asks to try again.
const BUSY: i64 = -1;

pub struct Oauth {
    http: reqwest::Client,
    appid: String,
    secret: String,
    /// `https://open.weixin.qq.com` (the authorize page).
    open_base: String,
    /// `https://api.weixin.qq.com` (the code exchange).
    sns_base: String,
}

#[derive(Deserialize)]
struct Exchange {
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

impl Oauth {
    pub fn new(appid: String, secret: String, open_base: &str, sns_base: &str) -> Self {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("a client with a timeout builds");
        Oauth {
            http,
            appid,
            secret,
            open_base: open_base.trim_end_matches('/').to_owned(),
            sns_base: sns_base.trim_end_matches('/').to_owned(),
        }
    }

    /// Where to send the browser: WeChat's authorize page, which redirects to
    /// `redirect_uri?code=…&state=…`.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("appid", &self.appid)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", "snsapi_base")
            .append_pair("state", state)
            .finish();
        // WeChat wants the parameters in this order and the fragment, or shows an error page.
        format!("{}/connect/oauth2/authorize?{query}#wechat_redirect", self.open_base)
    }

    /// The payer's `openid` for the `code` the authorize page came back with (usable once).
    pub async fn openid(&self, code: &str) -> Result<String, GatewayError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("appid", &self.appid)
            .append_pair("secret", &self.secret)
            .append_pair("code", code)
            .append_pair("grant_type", "authorization_code")
            .finish();
        let url = format!("{}/sns/oauth2/access_token?{query}", self.sns_base);
        // The error never shows the URL: it holds the AppSecret.
        let unavailable = |e: reqwest::Error| GatewayError::Unavailable(format!("微信没有回答：{}", e.without_url()));
        let response = self.http.get(url).send().await.map_err(unavailable)?;
        if response.status().is_server_error() {
            return Err(GatewayError::Unavailable(format!(
                "微信暂时出错（HTTP {}）",
                response.status()
            )));
        }
        let exchange: Exchange = response.json().await.map_err(unavailable)?;
        match exchange.openid {
            Some(openid) if exchange.errcode == 0 => Ok(openid),
            _ if exchange.errcode == BUSY => Err(GatewayError::Unavailable("微信系统繁忙，请稍后再试".into())),
            _ => {
                tracing::warn!(errcode = exchange.errcode, errmsg = %exchange.errmsg, "WeChat OAuth code refused");
                Err(GatewayError::Refused {
                    code: exchange.errcode.to_string(),
                    message: "微信授权失败，请重新打开本页".into(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_is_wechats_snsapi_base_page() {
        let oauth = Oauth::new(
            "wxd678efh567hg6787".into(),
            "secret".into(),
            "https://open.weixin.qq.com/",
            "https://api.weixin.qq.com",
        );
        assert_eq!(
            oauth.authorize_url("https://shop.example/api/pay/wechat/oauth/back", "s1"),
            "https://open.weixin.qq.com/connect/oauth2/authorize?appid=wxd678efh567hg6787\
             &redirect_uri=https%3A%2F%2Fshop.example%2Fapi%2Fpay%2Fwechat%2Foauth%2Fback\
             &response_type=code&scope=snsapi_base&state=s1#wechat_redirect"
        );
    }
}
