//! A pairing link handed to the running app (a second launch with `--pair`): what it means, and
//! switching to it only once the merchant says so. Whose a link's credential is, the real server
//! says.

use orderbell_desktop_core::link::{self, Offered, PairingOffer};
use orderbell_desktop_core::saved::Heard;
use orderbell_desktop_core::{Pairing, Role, Saved};
use orderbell_tests::TestServer;

fn link(server: &TestServer, token: &str) -> String {
    format!("{}?token={token}", server.url("/"))
}

async fn home(server: &TestServer) -> Pairing {
    Pairing::resolve(&link(server, &server.merchant), "")
        .await
        .expect("valid")
}

#[tokio::test]
async fn a_link_is_taken_at_once_only_when_nothing_is_paired() {
    let server = TestServer::start().await;
    let home = home(&server).await;
    assert_eq!(
        (home.role, home.store_id),
        (Role::Merchant, 1),
        "the owner's credential pairs the counter's app of store 1"
    );
    let here = link(&server, &server.merchant);
    assert_eq!(link::offer(&here, None).await, Offered::Pair(home.clone()));
    assert_eq!(
        link::offer(&here, Some(&home)).await,
        Offered::Same,
        "the same store again: nothing to ask"
    );
    let other = link(&server, &server.other_merchant);
    let Offered::Ask(asked) = link::offer(&other, Some(&home)).await else {
        panic!("another store is asked about, never switched to silently");
    };
    assert_eq!(
        PairingOffer::from(&asked),
        PairingOffer {
            server_url: server.url(""),
            role: Role::Merchant,
            store_id: 2,
        },
        "the question names the server and store, not the secret"
    );
    let kitchen = link(&server, &server.kitchen);
    assert!(
        matches!(link::offer(&kitchen, Some(&home)).await, Offered::Ask(p) if p.role == Role::Kitchen),
        "another role too"
    );
}

#[tokio::test]
async fn a_malformed_or_refused_link_says_why() {
    let server = TestServer::start().await;
    let home = home(&server).await;
    let forged = link(&server, "v.1.c2lnbmF0dXJlLW9mLW5vYm9keQ");
    for bad in [
        "192.168.1.20:8080",
        "http://192.168.1.20:8080/",
        "http://h:1/?token=t.1.sig",
        "http://h:1/?token=m.1.sig",
        forged.as_str(),
    ] {
        match link::offer(bad, Some(&home)).await {
            Offered::Invalid(reason) => assert!(reason.starts_with("配对链接无效："), "{bad}: {reason}"),
            other => panic!("{bad} must be refused with a reason, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn switching_replaces_the_pairing_and_forgets_the_old_position() {
    let server = TestServer::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let saved = Saved::new(dir.path());
    saved.save_pairing(&home(&server).await).expect("paired");
    let heard = Heard {
        last_event_id: Some(41),
        ..Heard::default()
    };
    saved.save_heard(&heard).expect("position saved");

    let other = Pairing::resolve(&link(&server, &server.other_merchant), "")
        .await
        .expect("valid");
    link::switch(&saved, &other).expect("switched");
    assert_eq!(saved.pairing().expect("readable"), Some(other));
    assert_eq!(
        saved.heard().expect("readable"),
        Heard::default(),
        "another store's ids mean nothing here"
    );
}
