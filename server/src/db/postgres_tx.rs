//! PostgreSQL's implementation of [`super::Tx`].

pub(super) struct PgTx(pub(super) sqlx::Transaction<'static, sqlx::Postgres>);
