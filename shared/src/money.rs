//! Money: exact decimal amounts in yuan, never floats.
//!
//! On the wire an amount is a JSON *number* with exactly two decimals (`38.00`), as in the seed's
//! examples. serde_json can only write such a literal through `RawValue`, which is what
//! [`Money`]'s `Serialize` does; reading goes through `RawValue` too, so `0.1` arrives as the
//! decimal 0.1 and not as the nearest binary float.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Mul};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

/// An amount of money with two decimal places (fen precision).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "number"))]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount from a whole number of fen (cents): `from_cents(3800)` is 38.00.
    pub fn from_cents(cents: i64) -> Self {
        Money(Decimal::new(cents, 2))
    }

    /// The amount as a whole number of fen, as databases store it.
    pub fn cents(self) -> i64 {
        // Every constructor keeps the scale at 2, so the mantissa is the number of fen.
        i64::try_from(self.0.mantissa()).unwrap_or(i64::MAX)
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// An amount from a decimal, refusing anything finer than a fen.
    pub fn from_decimal(amount: Decimal) -> Option<Self> {
        let normal = amount.normalize();
        if normal.scale() > 2 {
            return None;
        }
        let mut exact = normal;
        exact.rescale(2);
        Some(Money(exact))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Money {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let amount = Decimal::from_str_exact(s.trim()).map_err(|e| format!("bad amount {s:?}: {e}"))?;
        Money::from_decimal(amount).ok_or_else(|| format!("amount {s:?} is finer than a fen"))
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Mul<u32> for Money {
    type Output = Money;
    fn mul(self, rhs: u32) -> Money {
        Money(self.0 * Decimal::from(rhs))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.to_string()).map_err(S::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Accept the number literal (`38.00`) and, leniently, a string (`"38.00"`).
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim_matches('"');
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact() {
        let a: Money = "0.10".parse().expect("valid amount");
        let b: Money = "0.20".parse().expect("valid amount");
        assert_eq!(a + b, Money::from_cents(30), "0.10 + 0.20 must be exactly 0.30");
    }

    #[test]
    fn serializes_as_a_number_with_two_decimals() {
        let json = serde_json::to_string(&vec![Money::from_cents(3800), Money::from_cents(5)]).expect("serializes");
        assert_eq!(json, "[38.00,0.05]");
    }

    #[test]
    fn reads_numbers_and_strings_exactly() {
        let m: Vec<Money> = serde_json::from_str(r#"[0.1, "12.34", 7]"#).expect("parses");
        assert_eq!(
            m,
            vec![Money::from_cents(10), Money::from_cents(1234), Money::from_cents(700)]
        );
        assert_eq!(m[0].cents(), 10);
    }

    #[test]
    fn refuses_fractions_of_a_fen() {
        assert!(serde_json::from_str::<Money>("0.001").is_err());
        assert!("1.005".parse::<Money>().is_err());
    }

    #[test]
    fn multiplies_by_quantity() {
        assert_eq!(Money::from_cents(3800) * 3, Money::from_cents(11400));
    }
}
