//! Each table's current link generation, kept in memory so that checking a table link (on every
//! stream a phone opens) needs no database read.
//!
//! It stays exact because a generation only rises and a removed table never comes back: what a
//! read or a write learns is merged by taking the later of the two, so a read that raced a
//! regeneration cannot undo it. Regenerating or removing a table tells this map after its commit
//! and before the table's streams are closed; a link newer than the map knows is checked against
//! the database.
//!
//! With several instances (`--redis-url`) the instance that regenerates or removes a table tells
//! the others on the bus, and they do the same; after an outage of the bus each checks the tables
//! its phones watch against the database (`peers`).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

#[derive(Default)]
pub struct Links {
    tables: Mutex<HashMap<i64, Current>>,
}

/// What is known of a table's link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Current {
    Generation(u32),
    Removed,
}

/// What the map says of a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Current,
    Revoked,
    /// Newer than the map knows, or a table it has not seen: the database tells.
    Unknown,
}

impl Links {
    pub fn verdict(&self, table_id: i64, link: u32) -> Verdict {
        let tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        match tables.get(&table_id) {
            Some(Current::Generation(current)) if *current == link => Verdict::Current,
            Some(Current::Generation(current)) if *current > link => Verdict::Revoked,
            Some(Current::Removed) => Verdict::Revoked,
            _ => Verdict::Unknown,
        }
    }

    /// The table's link is of generation `generation` (or later, if another write got here first).
    pub fn learn(&self, table_id: i64, generation: u32) {
        let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        let current = tables.entry(table_id).or_insert(Current::Generation(generation));
        if let Current::Generation(known) = current {
            *known = (*known).max(generation);
        }
    }

    /// The table is removed: none of its links holds any more.
    pub fn removed(&self, table_id: i64) {
        let mut tables = self.tables.lock().unwrap_or_else(PoisonError::into_inner);
        tables.insert(table_id, Current::Removed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regenerated_link_revokes_the_old_one_and_a_late_read_cannot_undo_it() {
        let links = Links::default();
        assert_eq!(
            links.verdict(1, 0),
            Verdict::Unknown,
            "an unseen table is read from the database"
        );
        links.learn(1, 0);
        assert_eq!(links.verdict(1, 0), Verdict::Current);
        links.learn(1, 1);
        assert_eq!(links.verdict(1, 0), Verdict::Revoked, "the old link is refused at once");
        links.learn(1, 0);
        assert_eq!(
            links.verdict(1, 0),
            Verdict::Revoked,
            "a read that began before the regeneration must not bring the old link back"
        );
        assert_eq!(links.verdict(1, 1), Verdict::Current);
        assert_eq!(
            links.verdict(1, 2),
            Verdict::Unknown,
            "a link newer than the map knows is checked"
        );
        assert_eq!(links.verdict(2, 1), Verdict::Unknown, "tables are separate");
    }

    #[test]
    fn a_removed_table_has_no_link() {
        let links = Links::default();
        links.learn(1, 3);
        links.removed(1);
        links.learn(1, 3);
        assert_eq!(links.verdict(1, 3), Verdict::Revoked);
    }
}
