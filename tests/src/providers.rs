//! The notification signers, now in the fake providers' crate: the tests keep their old path.

pub use orderbell_fakepay::signers::*;
