//! The books: past orders searched by local day, table, status and how they were paid, and a
//! day's summary (日结) as JSON and as a CSV for Excel. Which day an order belongs to, and what
//! a day adds up to, are `rules`; the reads are `db::ReportStore`.

mod csv;
mod day;
mod history;
mod http;
pub mod rules;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(http::history))
        .routes(routes!(http::day))
        .routes(routes!(http::day_csv))
}
