//! Who may reach a table: signed credentials.
//!
//! The QR code on a table encodes a link carrying a *table token* (`t.<tableId>.<mac>`). Opening
//! it makes the phone a *diner* with its own token (`d.<tableId>.<dinerId>.<mac>`), which is what
//! attributes cart changes to a person. Both are HMAC-SHA256 over their claims with the server's
//! key, so the server keeps no session table and any instance can check any token.
//!
//! A table's link can be regenerated (a leaked or photographed QR code): both tokens then carry
//! the link's generation (`t.<tableId>.<generation>`, `d.<tableId>.<dinerId>.<generation>`;
//! none for generation 0, the links printed before), and hold only while it is the table's
//! current one, which each request checks (in memory: [`crate::tables::links::Links`]).
//!
//! A diner token also names the table's *sitting* it joined (`d.<tableId>.<dinerId>.<link>.<sitting>`,
//! none for sitting 0): each party that leaves the table (its bill settled, closed, merged or
//! moved away) raises the table's sitting, and the previous party's tokens stop working with
//! 401 `bill_closed`. The table token is unaffected: the next party scans and starts afresh.
//!
//! Orders have credentials of the same kind: an *order token* (`o.<orderId>.<mac>`) goes to the
//! customer who submitted the order.
//!
//! A store's devices are different: each has a *device credential* (`v.<credentialId>.<mac>`),
//! a row of its own with a name and a role (owner, counter, kitchen; docs/ROLES.md) that the
//! owner can revoke. The signature proves the token was issued here; the row, kept in memory
//! ([`crate::devices::Credentials`]), says whose it is and whether it still counts. The
//! operator's credential, which creates stores, is a row of the same kind without a store.
//!
//! A credential may arrive as `Authorization: Bearer`, `?token=`, or the `ob_token` cookie, so
//! that a browser's `EventSource` (which cannot set headers) and seed-style clients both work.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::Holder;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::tables::links::Verdict;

pub use orderbell_shared::access::Role;

/// The cookie that a table link sets in the diner's browser.
pub const COOKIE_NAME: &str = "ob_token";

/// What a verified credential grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// The table link of generation `link`: may watch the table's cart and join it as a diner.
    Table { table_id: i64, link: u32 },
    /// One diner (phone) at a table, joined with the link of generation `link` during the
    /// table's sitting `sitting`: may also change the cart.
    Diner {
        table_id: i64,
        diner_id: i64,
        link: u32,
        sitting: u32,
    },
    /// The customer who submitted an order: its status stream, pay, 催单, cancel.
    Order { order_id: i64 },
    /// One device of a store, with its role there.
    Device(Device),
    /// The operator of this server: creates stores.
    Operator { credential_id: i64 },
}

/// A store's device, as its live credential says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device {
    pub credential_id: i64,
    pub store_id: i64,
    pub role: Role,
}

impl Grant {
    fn claims(self) -> String {
        match self {
            Grant::Table { table_id, link: 0 } => format!("t.{table_id}"),
            Grant::Table { table_id, link } => format!("t.{table_id}.{link}"),
            Grant::Diner {
                table_id,
                diner_id,
                link: 0,
                sitting: 0,
            } => format!("d.{table_id}.{diner_id}"),
            Grant::Diner {
                table_id,
                diner_id,
                link,
                sitting: 0,
            } => format!("d.{table_id}.{diner_id}.{link}"),
            Grant::Diner {
                table_id,
                diner_id,
                link,
                sitting,
            } => format!("d.{table_id}.{diner_id}.{link}.{sitting}"),
            Grant::Order { order_id } => format!("o.{order_id}"),
            Grant::Device(Device { credential_id, .. }) | Grant::Operator { credential_id } => {
                credential_claims(credential_id)
            }
        }
    }

    fn parse(claims: &str) -> Option<Grant> {
        let mut parts = claims.split('.');
        let grant = match (parts.next()?, parts.next()?.parse().ok()?) {
            ("t", table_id) => Grant::Table {
                table_id,
                link: generation(parts.next())?,
            },
            ("d", table_id) => Grant::Diner {
                table_id,
                diner_id: parts.next()?.parse().ok()?,
                link: generation(parts.next())?,
                sitting: generation(parts.next())?,
            },
            ("o", order_id) => Grant::Order { order_id },
            _ => return None,
        };
        parts.next().is_none().then_some(grant)
    }

    /// The grant's role at `store_id`, if that role may do `duty` there: `Forbidden` for another
    /// store's (or no store) credential, `RoleNotAllowed` for a role that may not.
    pub fn may(self, store_id: i64, duty: Duty) -> Result<Role> {
        let role = self.for_store(store_id)?;
        if role_may(role, duty) {
            Ok(role)
        } else {
            Err(Error::RoleNotAllowed { duty })
        }
    }

    /// The role a grant has at `store_id`, if it is a store credential for that store.
    pub fn for_store(self, store_id: i64) -> Result<Role> {
        self.device(store_id).map(|d| d.role)
    }

    /// The device of `store_id` this grant is, if it is one.
    pub fn device(self, store_id: i64) -> Result<Device> {
        match self {
            Grant::Device(device) if device.store_id == store_id => Ok(device),
            _ => Err(Error::Forbidden),
        }
    }

    /// Whether this is the operator's credential.
    pub fn operator(self) -> Result<()> {
        match self {
            Grant::Operator { .. } => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }

    /// Whether this is the credential of `order_id`'s customer.
    pub fn for_order(self, order_id: i64) -> Result<()> {
        match self {
            Grant::Order { order_id: o } if o == order_id => Ok(()),
            _ => Err(Error::Forbidden),
        }
    }

    /// The grant's diner at `table_id`, if it grants that table at all.
    pub fn for_table(self, table_id: i64) -> Result<Option<i64>> {
        match self {
            Grant::Table { table_id: t, .. } if t == table_id => Ok(None),
            Grant::Diner {
                table_id: t, diner_id, ..
            } if t == table_id => Ok(Some(diner_id)),
            _ => Err(Error::Forbidden),
        }
    }
}

impl Grant {
    /// The diner and the sitting it joined, if this is a diner at `table_id`.
    pub fn diner_at(self, table_id: i64) -> Option<(i64, u32)> {
        match self {
            Grant::Diner {
                table_id: t,
                diner_id,
                sitting,
                ..
            } if t == table_id => Some((diner_id, sitting)),
            _ => None,
        }
    }
}

/// What a store's people do, each allowed to some roles only (docs/ROLES.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duty {
    /// Set up the store: its menu, tables and QR codes, devices and settings.
    ManageStore,
    /// Mark a dish sold out or back in stock (估清), from the menu or the order board.
    MarkSoldOut,
    /// Accept, reject and finish orders; answer 催单.
    HandleOrders,
    /// See the tickets and mark them ready or recall them.
    Cook,
    /// Settle and close tables' bills, move and merge them, take back dishes (退菜).
    TakePayment,
    /// Read the books: order history and the day's summary (日结).
    ReadBooks,
}

impl Duty {
    /// Who may do it, as the refusal tells the person holding the device.
    pub fn who(self) -> &'static str {
        match self {
            Duty::ManageStore => "只有店主或店长的设备可以设置门店（菜单、桌台、设备、营业设置）",
            Duty::MarkSoldOut => "只有店主、店长或前台的设备可以设置估清",
            Duty::HandleOrders => "只有店主、店长或前台的设备可以处理订单",
            Duty::Cook => "只有厨房或前台的设备可以出餐",
            Duty::TakePayment => "只有店主、店长或前台的设备可以结账、清台、换桌、并台和退菜",
            Duty::ReadBooks => "只有店主、店长或前台的设备可以查看订单历史和日结",
        }
    }
}

/// Whether `role` may do `duty` (the table in docs/ROLES.md).
pub fn role_may(role: Role, duty: Duty) -> bool {
    match role {
        Role::Owner => true,
        Role::Counter => duty != Duty::ManageStore,
        Role::Kitchen => duty == Duty::Cook,
    }
}

fn credential_claims(credential_id: i64) -> String {
    format!("v.{credential_id}")
}

/// The claims prefix of a signed return path: no grant's, so neither passes for the other.
const RETURN_PATH: &str = "r.";

/// The server's signing key.
pub struct Keys {
    key: Vec<u8>,
}

impl Keys {
    pub fn new(key: &[u8]) -> Self {
        Keys { key: key.to_vec() }
    }

    fn mac(&self, claims: &str) -> Hmac<Sha256> {
        // Any key length is valid for HMAC, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"orderbell-v1:");
        mac.update(claims.as_bytes());
        mac
    }

    pub fn sign(&self, grant: Grant) -> String {
        self.signed(grant.claims())
    }

    /// A device's (or the operator's) token for credential `credential_id`.
    pub fn sign_credential(&self, credential_id: i64) -> String {
        self.signed(credential_claims(credential_id))
    }

    /// The tag of a same-site path that makes a round trip through someone else's site (WeChat's
    /// OAuth, whose `state` allows only letters and digits: so hex, 128 bits of the HMAC).
    pub fn return_path_tag(&self, path: &str) -> String {
        let tag = self.mac(&format!("{RETURN_PATH}{path}")).finalize().into_bytes();
        tag[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `tag` is [`Keys::return_path_tag`] of `path`.
    pub fn return_path_is_ours(&self, path: &str, tag: &str) -> bool {
        let bytes: Option<Vec<u8>> = (tag.len() == 32)
            .then(|| {
                (0..tag.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(tag.get(i..i + 2)?, 16).ok())
                    .collect()
            })
            .flatten();
        bytes.is_some_and(|bytes| {
            self.mac(&format!("{RETURN_PATH}{path}"))
                .verify_truncated_left(&bytes)
                .is_ok()
        })
    }

    fn signed(&self, claims: String) -> String {
        let tag = URL_SAFE_NO_PAD.encode(self.mac(&claims).finalize().into_bytes());
        format!("{claims}.{tag}")
    }

    /// The grant of a table, diner or order token.
    pub fn verify(&self, token: &str) -> Option<Grant> {
        Grant::parse(self.authentic(token)?)
    }

    /// The credential id of a device (or operator) token, if it was issued here; whether it still
    /// counts is the credential's row's to say.
    pub fn verify_credential(&self, token: &str) -> Option<i64> {
        let id = self.authentic(token)?.strip_prefix("v.")?;
        id.bytes().all(|b| b.is_ascii_digit()).then(|| id.parse().ok())?
    }

    /// The claims of a token whose signature is ours.
    fn authentic<'t>(&self, token: &'t str) -> Option<&'t str> {
        let (claims, tag) = token.rsplit_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.mac(claims).verify_slice(&tag).ok()?;
        Some(claims)
    }
}

/// A verified credential, taken from the header, the query or the cookie.
pub struct Credential(pub Grant);

impl FromRequestParts<AppState> for Credential {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        verified(parts, state, true).await.map(Credential)
    }
}

/// As [`Credential`], but a diner token of an earlier sitting still passes (its link must be
/// current): for reading the bill the party settled, so its phones can show 「已结账」.
pub struct PastDiner(pub Grant);

impl FromRequestParts<AppState> for PastDiner {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        verified(parts, state, false).await.map(PastDiner)
    }
}

async fn verified(parts: &Parts, state: &AppState, current_sitting: bool) -> Result<Grant> {
    let token = presented_token(parts).ok_or(Error::Unauthorized)?;
    if let Some(grant) = state.keys.verify(token) {
        current_link(state, grant, current_sitting).await?;
        return Ok(grant);
    }
    let id = state.keys.verify_credential(token).ok_or(Error::Unauthorized)?;
    let row = crate::devices::credential(state, id)
        .await?
        .ok_or(Error::Unauthorized)?;
    if row.revoked_at.is_some() {
        return Err(Error::DeviceRevoked);
    }
    Ok(match row.holder {
        Holder::Store { store_id, role } => Grant::Device(Device {
            credential_id: id,
            store_id,
            role,
        }),
        Holder::Operator => Grant::Operator { credential_id: id },
    })
}

/// The link generation (or sitting) a table or diner token claims, absent for 0.
fn generation(part: Option<&str>) -> Option<u32> {
    part.map_or(Some(0), |g| g.parse().ok())
}

/// A table or diner token holds only while its link is the table's current one: regenerating the
/// link, or removing the table, ends it. A diner token also needs its sitting to be the table's
/// current one (when `current_sitting`): the party left, its phones change nothing. The link alone
/// is checked in memory ([`crate::tables::links::Links`]); the sitting, and a link the map does
/// not know, take one read that answers both. Other credentials pass.
async fn current_link(state: &AppState, grant: Grant, current_sitting: bool) -> Result<()> {
    let (table_id, link, sitting) = match grant {
        Grant::Table { table_id, link } => (table_id, link, None),
        Grant::Diner {
            table_id,
            link,
            sitting,
            ..
        } => (table_id, link, current_sitting.then_some(sitting)),
        _ => return Ok(()),
    };
    if sitting.is_none() {
        match state.links.verdict(table_id, link) {
            Verdict::Current => return Ok(()),
            Verdict::Revoked => return Err(link_revoked()),
            Verdict::Unknown => {}
        }
    }
    let Some((current, now)) = state.db.table_generations(table_id).await? else {
        return Err(link_revoked());
    };
    state.links.learn(table_id, current);
    if current != link {
        Err(link_revoked())
    } else if sitting.is_some_and(|s| s != now) {
        Err(bill_closed())
    } else {
        Ok(())
    }
}

/// The link checked again once a stream has subscribed, in memory: a link regenerated between
/// the request's check and the subscription is in the map before the table's streams are closed,
/// so a stream is either closed with the others or refused here.
pub fn link_still_current(state: &AppState, grant: Grant) -> Result<()> {
    let (table_id, link) = match grant {
        Grant::Table { table_id, link } | Grant::Diner { table_id, link, .. } => (table_id, link),
        _ => return Ok(()),
    };
    match state.links.verdict(table_id, link) {
        Verdict::Revoked => Err(link_revoked()),
        Verdict::Current | Verdict::Unknown => Ok(()),
    }
}

/// A diner's sitting checked again on a connection that outlives its request (the cart
/// WebSocket): 401 `bill_closed` once the party left. Other credentials (`None`) pass.
pub async fn still_seated(state: &AppState, table_id: i64, sitting: Option<u32>) -> Result<()> {
    let Some(sitting) = sitting else {
        return Ok(());
    };
    match state.db.table_generations(table_id).await? {
        Some((_, current)) if current == sitting => Ok(()),
        _ => Err(bill_closed()),
    }
}

fn link_revoked() -> Error {
    Error::BadRequest {
        status: StatusCode::UNAUTHORIZED,
        code: "link_revoked",
        message: "这个桌台二维码已停用：请扫描桌上新的二维码".to_owned(),
    }
}

/// What the previous party's phones are told once the table's sitting moved on.
pub fn bill_closed() -> Error {
    Error::BadRequest {
        status: StatusCode::UNAUTHORIZED,
        code: "bill_closed",
        message: "这一桌已结账离开：如需继续点餐，请重新扫描桌上的二维码".to_owned(),
    }
}

fn presented_token(parts: &Parts) -> Option<&str> {
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let query = parts
        .uri
        .query()
        .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("token=")));
    bearer
        .or(query)
        .or_else(|| cookie(&parts.headers, COOKIE_NAME))
        .map(str::trim)
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_resist_tampering() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let diner = Grant::Diner {
            table_id: 3,
            diner_id: 9,
            link: 0,
            sitting: 0,
        };
        let token = keys.sign(diner);
        assert_eq!(keys.verify(&token), Some(diner));
        let forged = token.replacen("d.3", "d.4", 1);
        assert_eq!(
            keys.verify(&forged),
            None,
            "changing the table must break the signature"
        );
        let other = Keys::new(b"another key, another server....!");
        assert_eq!(other.verify(&token), None, "another key must not accept it");
    }

    #[test]
    fn a_return_paths_tag_is_letters_and_digits_and_fits_only_its_path() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let tag = keys.return_path_tag("/t/3?b=1");
        assert!(
            tag.len() == 32 && tag.bytes().all(|b| b.is_ascii_alphanumeric()),
            "{tag}"
        );
        assert!(keys.return_path_is_ours("/t/3?b=1", &tag));
        assert!(!keys.return_path_is_ours("/t/4?b=1", &tag), "another path");
        assert!(!keys.return_path_is_ours("/t/3?b=1", &tag[..30]), "a shortened tag");
        assert!(!keys.return_path_is_ours("/t/3?b=1", "zz"), "not hex");
        let other = Keys::new(b"another key, another key, another");
        assert!(!other.return_path_is_ours("/t/3?b=1", &tag), "another key");
        assert_eq!(keys.verify(&tag), None, "a tag is no credential");
    }

    #[test]
    fn a_grant_reaches_only_its_table() {
        let grant = Grant::Table { table_id: 1, link: 0 };
        assert_eq!(grant.for_table(1).ok(), Some(None));
        assert!(matches!(grant.for_table(2), Err(Error::Forbidden)));
        assert!(
            matches!(grant.for_store(1), Err(Error::Forbidden)),
            "a table link is no store credential"
        );
    }

    #[test]
    fn links_before_regeneration_keep_their_tokens_and_later_ones_name_their_generation() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let first = keys.sign(Grant::Table { table_id: 7, link: 0 });
        assert!(
            first.starts_with("t.7."),
            "generation 0 is the token printed before: {first}"
        );
        assert_eq!(first.matches('.').count(), 2, "no generation in the claims: {first}");
        let third = Grant::Table { table_id: 7, link: 2 };
        let token = keys.sign(third);
        assert!(token.starts_with("t.7.2."), "{token}");
        assert_eq!(keys.verify(&token), Some(third));
        let diner = Grant::Diner {
            table_id: 7,
            diner_id: 4,
            link: 2,
            sitting: 0,
        };
        assert_eq!(keys.verify(&keys.sign(diner)), Some(diner));
        let older = token.replacen("t.7.2", "t.7.1", 1);
        assert_eq!(keys.verify(&older), None, "the generation is signed too");
    }

    #[test]
    fn diner_tokens_name_their_sitting_after_the_first() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let first = keys.sign(Grant::Diner {
            table_id: 7,
            diner_id: 4,
            link: 0,
            sitting: 0,
        });
        assert!(first.starts_with("d.7.4."), "{first}");
        assert_eq!(first.matches('.').count(), 3, "sitting 0 adds nothing: {first}");
        let later = Grant::Diner {
            table_id: 7,
            diner_id: 4,
            link: 0,
            sitting: 3,
        };
        let token = keys.sign(later);
        assert!(token.starts_with("d.7.4.0.3."), "{token}");
        assert_eq!(keys.verify(&token), Some(later));
        assert_eq!(
            keys.verify(&token.replacen("d.7.4.0.3", "d.7.4.0.4", 1)),
            None,
            "the sitting is signed too"
        );
    }

    #[test]
    fn device_tokens_name_only_their_credential() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.sign_credential(7);
        assert!(token.starts_with("v.7."), "{token}");
        assert_eq!(keys.verify_credential(&token), Some(7));
        assert_eq!(
            keys.verify(&token),
            None,
            "a device token is no table, diner or order token"
        );
        assert_eq!(keys.verify_credential(&token.replacen("v.7", "v.8", 1)), None);
        assert_eq!(keys.verify_credential(&keys.sign(Grant::Order { order_id: 7 })), None);
    }

    #[test]
    fn a_device_acts_for_its_store_only_and_as_its_role_may() {
        let kitchen = Grant::Device(Device {
            credential_id: 3,
            store_id: 1,
            role: Role::Kitchen,
        });
        assert_eq!(kitchen.for_store(1).ok(), Some(Role::Kitchen));
        assert!(
            matches!(kitchen.for_store(2), Err(Error::Forbidden)),
            "another store's kitchen"
        );
        assert!(kitchen.for_order(1).is_err());
        assert!(kitchen.may(1, Duty::Cook).is_ok());
        assert!(matches!(
            kitchen.may(1, Duty::HandleOrders),
            Err(Error::RoleNotAllowed { .. })
        ));
        assert!(matches!(kitchen.may(2, Duty::Cook), Err(Error::Forbidden)));
        for duty in [Duty::ManageStore, Duty::MarkSoldOut, Duty::HandleOrders, Duty::Cook] {
            assert!(role_may(Role::Owner, duty), "the owner may {duty:?}");
            assert_eq!(role_may(Role::Counter, duty), duty != Duty::ManageStore, "{duty:?}");
        }
        assert!(
            Grant::Operator { credential_id: 1 }.for_store(1).is_err(),
            "the operator runs no store"
        );
    }
}
