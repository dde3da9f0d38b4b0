//! The cart WebSocket's client messages. Whatever text a phone sends is either read into a
//! checked cart change (quantity 1–99, remark trimmed and at most 100 characters, the change
//! on behalf of the credential's diner) or refused with a client error; and a command that reads
//! writes back as itself (the shared protocol crate's types).
//!
//! The input is the text message itself, so the seeds are plain JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use orderbell_fuzz::assert_refused_as_client_error;
use orderbell_server::{CartChange, read_command};
use orderbell_shared::MessageType;
use orderbell_shared::ws::CartCommand;

const DINER: i64 = 7;

fuzz_target!(|data: &[u8]| {
    // A WebSocket text frame is UTF-8 by the protocol; tungstenite refuses anything else.
    let Ok(raw) = std::str::from_utf8(data) else { return };

    if let Ok(command) = serde_json::from_str::<CartCommand>(raw) {
        let written = serde_json::to_string(&command).expect("a command serializes");
        let reread: CartCommand = serde_json::from_str(&written).expect("a written command reads");
        assert_eq!(
            reread, command,
            "the command must survive a round trip through {written}"
        );
    }

    match read_command(raw, Some(DINER)) {
        Ok((_, change)) => {
            if let Some(change) = change {
                assert_checked(&change);
            }
        }
        Err(e) => assert_refused_as_client_error(&e),
    }

    // A watcher without a diner session may only send heartbeats.
    match read_command(raw, None) {
        Ok((kind, change)) => {
            assert_eq!(kind, MessageType::Heartbeat, "a watcher may only send heartbeats");
            assert!(change.is_none(), "a heartbeat changes nothing");
        }
        Err(e) => assert_refused_as_client_error(&e),
    }
});

/// The README's rules for a cart line, checked here independently of the server's code.
fn assert_checked(change: &CartChange) {
    let quantity_ok = |quantity: u32| (1..=99).contains(&quantity);
    match change {
        CartChange::Add {
            quantity,
            remark,
            diner_id,
            ..
        } => {
            assert!(quantity_ok(*quantity), "quantity {quantity} let through");
            assert_eq!(*diner_id, DINER, "a line is added on behalf of the credential's diner");
            if let Some(remark) = remark {
                assert!(!remark.is_empty(), "an empty remark is no remark");
                assert_eq!(remark.trim(), remark, "a remark is stored trimmed");
                assert!(
                    remark.chars().count() <= 100,
                    "a remark of {} characters let through",
                    remark.chars().count()
                );
            }
        }
        CartChange::SetQuantity { quantity, .. } => assert!(quantity_ok(*quantity), "quantity {quantity} let through"),
        CartChange::Remove { .. } | CartChange::Clear => {}
    }
}
