//! What a device may call itself.

use orderbell_shared::heard::DeviceKind;

use crate::auth::Role;
use crate::error::{Error, Result};

pub const MAX_DEVICE_NAME: usize = 30;

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

/// What a device of `role` is called when whoever issues it gives no name.
pub fn default_name(role: Role) -> &'static str {
    match role {
        Role::Owner => "店主",
        Role::Counter => "前台",
        Role::Kitchen => "厨房",
    }
}

/// The kind a device is, from what its credential lets it do.
pub fn kind_for(role: Role) -> DeviceKind {
    match role {
        Role::Owner | Role::Counter => DeviceKind::Desktop,
        Role::Kitchen => DeviceKind::Kitchen,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(device_name("  前台电脑 ").ok().as_deref(), Some("前台电脑"));
        for bad in ["", "   ", "a\nb", &"名".repeat(31)] {
            assert!(device_name(bad).is_err(), "{bad:?}");
        }
    }
}
