//! Orders: submitted from a table's cart, paid through a provider, then moved along by the
//! merchant and kitchen. Every change is a compare-and-set on the order's status that writes its
//! events in the same transaction.

mod http;
mod payment;
mod return_rules;
mod returns;
pub mod rules;
mod submit;
mod transition;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
pub use payment::{PaymentOutcome, apply_payment};
pub use transition::{conflict as transition_conflict, transition};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit::submit))
        .routes(routes!(http::get_order))
        .routes(routes!(http::accept))
        .routes(routes!(http::reject))
        .routes(routes!(http::ready))
        .routes(routes!(http::recall))
        .routes(routes!(http::complete))
        .routes(routes!(http::cancel))
        .routes(routes!(http::snapshot))
        .routes(routes!(returns::return_items))
}
