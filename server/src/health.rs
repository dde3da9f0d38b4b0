//! `/healthz` (the process answers) and `/readyz` (it can serve: its database answers, and with
//! `--redis-url` it is subscribed to Redis), for systemd watchdogs, load balancers and
//! orchestrators. Both answer JSON, 200 or 503.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

/// A database that takes longer than this to answer `ping` is not ready: a balancer should send
/// requests elsewhere rather than queue them behind it.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(healthz)).routes(routes!(readyz))
}

/// Alive: no I/O at all, so that a slow database never gets a live process restarted.
#[utoipa::path(get, path = "/healthz", tag = "ops",
    summary = "存活检查：进程在运行即返回 200（不访问数据库）",
    responses((status = 200, description = "{\"status\":\"ok\"}")),
    security(())
)]
async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Ready: the database answers within [`PING_TIMEOUT`]. Why it does not goes to the log, not to
/// the caller.
#[utoipa::path(get, path = "/readyz", tag = "ops",
    summary = "就绪检查：数据库可用（配置了 Redis 时还须已连上 Redis）时 200，否则 503，JSON 中逐项说明",
    responses((status = 200, description = "可以处理请求"), (status = 503, description = "有依赖不可用：见 checks")),
    security(())
)]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = match tokio::time::timeout(PING_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {PING_TIMEOUT:?}")),
    };
    // Without Redis, writes still commit and clients are fed from the database, but changes
    // reach other instances' clients late: not ready, so that an operator sees it.
    let fanout = if state.bus.ready() {
        Ok(())
    } else {
        Err("not subscribed to Redis".to_owned())
    };
    let ready = database.is_ok() && fanout.is_ok();
    if let Err(why) = &database {
        tracing::warn!(error = %why, "not ready: the database does not answer");
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut checks = json!({ "database": check(&database) });
    if state.bus.status().configured {
        checks["redis"] = check(&fanout);
    }
    let body = json!({ "status": if ready { "ok" } else { "unavailable" }, "checks": checks });
    (status, Json(body))
}

fn check(result: &Result<(), String>) -> Value {
    match result {
        Ok(()) => json!({ "status": "ok" }),
        Err(_) => json!({ "status": "unavailable" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{App, Config};

    #[tokio::test]
    async fn a_database_that_does_not_answer_makes_the_server_unready_but_alive() {
        let dir = tempfile::tempdir().expect("dir");
        let app = App::open(&Config::new(dir.path())).await.expect("app");
        let state = app.state().clone();
        let (status, _) = readyz(State(state.clone())).await;
        assert_eq!(status, StatusCode::OK);

        state.db.close().await;
        let (status, Json(body)) = readyz(State(state)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            body,
            json!({"status": "unavailable", "checks": {"database": {"status": "unavailable"}}})
        );
        assert_eq!(healthz().await.0, json!({"status": "ok"}), "alive all the same");
    }
}
