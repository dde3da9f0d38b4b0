//! The fake providers as a merchant's server meets them: signed requests served, forged ones
//! refused as documented, notifications that verify with the providers' public keys and decrypt
//! with the APIv3 key, and faults that do what they say. The checks are written here, from the
//! providers' documentation, not borrowed from the fake.

mod alipay;
mod faults;
mod support;
mod wechat;
