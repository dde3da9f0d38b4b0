//! Every device credential, in memory: checked on each request without a database read, loaded at
//! start and updated as credentials are issued and revoked. Each live credential has a token that
//! revoking it cancels, which ends the streams its device holds open.
//!
//! With several instances (`--redis-url`), a revocation is told on the bus and every instance
//! reads the credentials again (`peers`), which ends the device's streams there too; one issued
//! elsewhere is read from the database on first use (`devices::credential`).

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use tokio_util::sync::CancellationToken;

use crate::db::CredentialRow;

#[derive(Default)]
pub struct Credentials {
    rows: RwLock<HashMap<i64, (CredentialRow, CancellationToken)>>,
}

impl Credentials {
    pub fn new(rows: Vec<CredentialRow>) -> Self {
        let credentials = Credentials::default();
        for row in rows {
            credentials.put(row);
        }
        credentials
    }

    pub fn get(&self, id: i64) -> Option<CredentialRow> {
        let rows = self.rows.read().unwrap_or_else(PoisonError::into_inner);
        rows.get(&id).map(|(row, _)| row.clone())
    }

    /// Cancelled when the credential is revoked (at once if it already is).
    pub fn revoked(&self, id: i64) -> CancellationToken {
        let rows = self.rows.read().unwrap_or_else(PoisonError::into_inner);
        rows.get(&id).map(|(_, token)| token.clone()).unwrap_or_else(|| {
            let gone = CancellationToken::new();
            gone.cancel();
            gone
        })
    }

    /// Remember `row` as it is now: issued, or revoked (which ends its streams).
    pub fn put(&self, row: CredentialRow) {
        let mut rows = self.rows.write().unwrap_or_else(PoisonError::into_inner);
        let token = rows.remove(&row.id).map(|(_, token)| token).unwrap_or_default();
        if row.revoked_at.is_some() {
            token.cancel();
        }
        rows.insert(row.id, (row, token));
    }

    /// The credentials of `store_id`, oldest first.
    pub fn of_store(&self, store_id: i64) -> Vec<CredentialRow> {
        let rows = self.rows.read().unwrap_or_else(PoisonError::into_inner);
        let mut list: Vec<CredentialRow> = rows
            .values()
            .filter(|(row, _)| row.store_id() == Some(store_id))
            .map(|(row, _)| row.clone())
            .collect();
        list.sort_by_key(|row| row.id);
        list
    }
}

#[cfg(test)]
mod tests {
    use orderbell_shared::access::Role;

    use super::*;
    use crate::db::Holder;

    fn row(id: i64, store_id: i64, revoked_at: Option<i64>) -> CredentialRow {
        CredentialRow {
            id,
            holder: Holder::Store {
                store_id,
                role: Role::Kitchen,
            },
            name: format!("厨房{id}"),
            created_at: 0,
            revoked_at,
        }
    }

    #[test]
    fn revoking_cancels_what_the_device_holds_open() {
        let credentials = Credentials::new(vec![row(1, 1, None), row(2, 2, None), row(3, 1, Some(5))]);
        let open = credentials.revoked(1);
        assert!(!open.is_cancelled());
        assert!(credentials.revoked(3).is_cancelled(), "already revoked");
        assert!(credentials.revoked(99).is_cancelled(), "unknown");
        credentials.put(row(1, 1, Some(9)));
        assert!(open.is_cancelled(), "the stream opened before the revocation ends");
        assert_eq!(credentials.get(1).and_then(|r| r.revoked_at), Some(9));
        let ids: Vec<i64> = credentials.of_store(1).iter().map(|r| r.id).collect();
        assert_eq!(ids, [1, 3]);
    }
}
