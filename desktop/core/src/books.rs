//! The books at the counter: past orders searched by dates, table, status and method, and a
//! day's summary (日结) with its CSV for the accountant. The server adds the money up; the app
//! only shows it, so what the screen says and what the file says are the same figures.

use orderbell_shared::reports::{DayQuery, DaySummary, HistoryPage, HistoryQuery};

use crate::api::Api;
use crate::error::Result;

/// The counter's (and owner's) reads of the store's books.
#[derive(Clone, Debug)]
pub struct Books {
    api: Api,
}

impl Books {
    pub(crate) fn new(api: Api) -> Books {
        Books { api }
    }

    /// One page of the orders matching `query`, with the count and total over all pages.
    pub async fn history(&self, query: &HistoryQuery) -> Result<HistoryPage> {
        Ok(self.api.store_query("orders/history", query).await?.json().await?)
    }

    /// 日结 of `date` (`YYYY-MM-DD`, the store's local day).
    pub async fn day(&self, date: &str) -> Result<DaySummary> {
        Ok(self.api.store_query("reports/day", &day(date)).await?.json().await?)
    }

    /// The same day as CSV (UTF-8 with a byte-order mark, for Excel and WPS).
    pub async fn day_csv(&self, date: &str) -> Result<Vec<u8>> {
        let response = self.api.store_query("reports/day.csv", &day(date)).await?;
        Ok(response.bytes().await?.to_vec())
    }
}

fn day(date: &str) -> DayQuery {
    DayQuery { date: date.to_owned() }
}

/// The file a day's CSV is saved as: 「点单铃-日结-2026-12-02.csv」.
pub fn day_csv_name(date: &str) -> String {
    // Only the date's digits and dashes reach the file name: never a path.
    let safe: String = date.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    format!("点单铃-日结-{safe}.csv")
}
