//! What storage knows of stores and their device credentials.

use async_trait::async_trait;
use orderbell_shared::access::Role;

use crate::domain::stores::StoreRow;
use crate::error::Result;

/// Whose a credential is: one role at one store, or the operator's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Store { store_id: i64, role: Role },
    Operator,
}

/// A credential as issued; `revoked_at` is set once it is revoked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRow {
    pub id: i64,
    pub holder: Holder,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A credential just made, or the live one that already had the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issued {
    New(CredentialRow),
    Existing(CredentialRow),
}

impl CredentialRow {
    /// The store whose device it is; `None` for the operator's.
    pub fn store_id(&self) -> Option<i64> {
        self.store_role().map(|(store_id, _)| store_id)
    }

    /// The store and the role there; `None` for the operator's.
    pub fn store_role(&self) -> Option<(i64, Role)> {
        match self.holder {
            Holder::Store { store_id, role } => Some((store_id, role)),
            Holder::Operator => None,
        }
    }
}

#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Create a store; `None` if another store has that name.
    async fn create_store(&self, name: &str) -> Result<Option<StoreRow>>;

    async fn store(&self, store_id: i64) -> Result<Option<StoreRow>>;

    /// Issue a credential named `name`, unless a live one of the same store (or the operator's)
    /// already has that name: then that one, whatever its role.
    async fn issue_credential(&self, holder: Holder, name: &str, now: i64) -> Result<Issued>;

    /// Every credential, revoked ones too: the server keeps them in memory.
    async fn credentials(&self) -> Result<Vec<CredentialRow>>;

    /// Revoke a store's credential; the row as it is now, `None` if the store has no such one.
    async fn revoke_credential(&self, store_id: i64, id: i64, now: i64) -> Result<Option<CredentialRow>>;
}
