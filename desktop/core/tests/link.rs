//! A pairing link handed to the running app (a second launch with `--pair`): what it means, and
//! switching to it only once the merchant says so.

use orderbell_desktop_core::link::{self, Offered, PairingOffer};
use orderbell_desktop_core::saved::Heard;
use orderbell_desktop_core::{Pairing, Role, Saved};

const HOME: &str = "http://192.168.1.20:8080/?token=m.1.sig";

fn home() -> Pairing {
    Pairing::parse(HOME, "").expect("valid")
}

#[test]
fn a_link_is_taken_at_once_only_when_nothing_is_paired() {
    assert_eq!(link::offer(HOME, None), Offered::Pair(home()));
    assert_eq!(
        link::offer(HOME, Some(&home())),
        Offered::Same,
        "the same store again: nothing to ask"
    );
    let other = "http://192.168.1.30:8080/?token=m.2.sig";
    let Offered::Ask(asked) = link::offer(other, Some(&home())) else {
        panic!("another store is asked about, never switched to silently");
    };
    assert_eq!(
        PairingOffer::from(&asked),
        PairingOffer {
            server_url: "http://192.168.1.30:8080".into(),
            role: Role::Merchant,
            store_id: 2,
        },
        "the question names the server and store, not the secret"
    );
    let kitchen = "http://192.168.1.20:8080/?token=k.1.sig";
    assert!(
        matches!(link::offer(kitchen, Some(&home())), Offered::Ask(_)),
        "another role too"
    );
}

#[test]
fn a_malformed_link_says_why() {
    for bad in [
        "192.168.1.20:8080",
        "http://192.168.1.20:8080/",
        "http://h:1/?token=t.1.sig",
    ] {
        match link::offer(bad, Some(&home())) {
            Offered::Invalid(reason) => assert!(reason.starts_with("配对链接无效："), "{bad}: {reason}"),
            other => panic!("{bad} must be refused with a reason, got {other:?}"),
        }
    }
}

#[test]
fn switching_replaces_the_pairing_and_forgets_the_old_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = Saved::new(dir.path());
    saved.save_pairing(&home()).expect("paired");
    let heard = Heard {
        last_event_id: Some(41),
        ..Heard::default()
    };
    saved.save_heard(&heard).expect("position saved");

    let other = Pairing::parse("http://192.168.1.30:8080/?token=m.2.sig", "").expect("valid");
    link::switch(&saved, &other).expect("switched");
    assert_eq!(saved.pairing().expect("readable"), Some(other));
    assert_eq!(
        saved.heard().expect("readable"),
        Heard::default(),
        "another store's ids mean nothing here"
    );
}
