//! The shape of the demo store created on first run.

use orderbell_shared::CuisineType;

pub struct DemoStore {
    pub id: i64,
    pub name: &'static str,
    pub table_count: i64,
    pub dishes: &'static [DemoDish],
    /// What each set meal holds: (set, dish, quantity).
    pub set_items: &'static [(i64, i64, u32)],
}

pub struct DemoDish {
    pub id: i64,
    pub category: &'static str,
    pub name: &'static str,
    pub kind: CuisineType,
    pub price_cents: i64,
    pub description: Option<&'static str>,
}

impl DemoStore {
    /// The tables: ids 1.. with numbers A01, A02, …
    pub fn tables(&self) -> impl Iterator<Item = (i64, String)> {
        (1..=self.table_count).map(|id| (id, format!("A{id:02}")))
    }
}
