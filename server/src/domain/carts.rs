//! A cart line before it is priced, and what a change writes to one.

/// What a cart line holds before it is priced from the menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineState {
    pub quantity: u32,
    pub remark: Option<String>,
    pub diner_id: Option<i64>,
}

/// What to write for a cart change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineWrite {
    Upsert { dish_id: i64, line: LineState },
    Delete { dish_id: i64 },
    DeleteAll,
}
