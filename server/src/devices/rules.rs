//! What a device may call itself.

use orderbell_shared::heard::DeviceKind;

use crate::auth::Role;
use crate::error::{Error, Result};

pub const MAX_DEVICE_ID: usize = 64;
pub const MAX_DEVICE_NAME: usize = 30;

/// A device's id: made by the device once (letters, digits, `-` and `_`).
pub fn device_id(id: &str) -> Result<String> {
    let ok = !id.is_empty()
        && id.len() <= MAX_DEVICE_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(id.to_owned())
    } else {
        Err(Error::invalid(
            "invalid_device",
            format!("设备编号须为 1 到 {MAX_DEVICE_ID} 个字母、数字、- 或 _"),
        ))
    }
}

/// The name people see (「前台电脑」); trimmed, never empty.
pub fn device_name(name: &str) -> Result<String> {
    let name = name.trim();
    let chars = name.chars().count();
    if (1..=MAX_DEVICE_NAME).contains(&chars) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(Error::invalid(
            "invalid_device",
            format!("设备名称须为 1 到 {MAX_DEVICE_NAME} 个字"),
        ))
    }
}

/// The kind a device is, from what its credential lets it do.
pub fn kind_for(role: Role) -> DeviceKind {
    match role {
        Role::Merchant => DeviceKind::Desktop,
        Role::Kitchen => DeviceKind::Kitchen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_are_checked() {
        assert!(device_id("a1-B_2").is_ok());
        for bad in ["", "has space", "中文", &"x".repeat(65)] {
            assert_eq!(device_id(bad).map_err(|e| e.code()), Err("invalid_device"), "{bad:?}");
        }
        assert_eq!(device_name("  前台电脑 ").ok().as_deref(), Some("前台电脑"));
        for bad in ["", "   ", "a\nb", &"名".repeat(31)] {
            assert!(device_name(bad).is_err(), "{bad:?}");
        }
    }
}
