//! The store as customers meet it, changed from the app against the real server: name,
//! announcement, business hours (closed outside them), 暂停接单 and 立即打烊 in one step each,
//! back to the hours, a logo; and what is refused: the counter and the kitchen, a bad period
//! (nothing changes), a file that is not an image.

use orderbell_desktop_core::ActionError;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_shared::access::{NewDevice, Role};
use orderbell_shared::store::{HoursPeriod, ManualChoice, StoreSettingsPatch, StoreState};
use orderbell_tests::TestServer;

use crate::App;
use crate::menu::png;

/// The minute of the store's day now, for a store `offset` minutes east of UTC. The test
/// server's clock starts at the real time and moves only when told, so a minute or two off
/// does not matter to hours two hours away.
fn local_minute(offset: i32) -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 60);
    (i64::try_from(now).unwrap_or(0) + i64::from(offset)).rem_euclid(24 * 60)
}

/// `minute` of the day (wrapping past midnight) as 24-hour `HH:MM`.
fn hhmm(minute: i64) -> String {
    let minute = minute.rem_euclid(24 * 60);
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

#[tokio::test]
async fn the_owner_names_the_store_sets_its_hours_pauses_closes_reopens_and_gives_it_a_logo() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let setup = app.desk.setup();

    let store = setup.store().await.expect("the store");
    assert_eq!(
        (store.name.as_str(), store.state, store.hours.len()),
        ("铃声小馆", StoreState::Open, 0),
        "a new store is open around the clock"
    );

    // One period a day that opens two hours from now (the store's time) and lasts an hour.
    let minute = local_minute(store.utc_offset_minutes);
    let (open, close) = (hhmm(minute + 120), hhmm(minute + 180));
    let changed = setup
        .change_store(&StoreSettingsPatch {
            name: Some("铃声小馆·二店".into()),
            announcement: Some("今日宫保鸡丁 8 折".into()),
            hours: Some(vec![HoursPeriod {
                open: open.clone(),
                close: close.clone(),
                days: vec![],
            }]),
            ..StoreSettingsPatch::default()
        })
        .await
        .expect("the owner changes the store");
    assert_eq!(changed.name, "铃声小馆·二店");
    assert_eq!(changed.announcement.as_deref(), Some("今日宫保鸡丁 8 折"));
    assert_eq!(changed.hours_text, Some(format!("每天 {open}–{close}")));
    assert_eq!(changed.state, StoreState::Closed, "before the hours: 已打烊");

    server.clock.advance_secs(150 * 60);
    let store = setup.store().await.expect("the store");
    assert_eq!(store.state, StoreState::Open, "within the hours");

    let paused = setup
        .change_store(&StoreSettingsPatch {
            paused: Some(true),
            ..StoreSettingsPatch::default()
        })
        .await
        .expect("暂停接单");
    assert_eq!((paused.paused, paused.state), (true, StoreState::Paused));
    let resumed = setup
        .change_store(&StoreSettingsPatch {
            paused: Some(false),
            ..StoreSettingsPatch::default()
        })
        .await
        .expect("恢复接单");
    assert_eq!(resumed.state, StoreState::Open);

    let closed = setup
        .change_store(&StoreSettingsPatch {
            manual: Some(ManualChoice::Closed),
            ..StoreSettingsPatch::default()
        })
        .await
        .expect("立即打烊");
    assert_eq!(closed.state, StoreState::Closed);
    let by_hand = closed.manual.expect("closed by hand");
    assert!(
        !by_hand.open && by_hand.until.is_some(),
        "until the hours next change: {by_hand:?}"
    );
    let auto = setup
        .change_store(&StoreSettingsPatch {
            manual: Some(ManualChoice::Auto),
            ..StoreSettingsPatch::default()
        })
        .await
        .expect("按营业时间");
    assert_eq!((auto.manual, auto.state), (None, StoreState::Open));

    let with_logo = setup.set_logo("image/png", png()).await.expect("a logo");
    let thumbnail = with_logo.logo_thumbnail.expect("a thumbnail for the page's top bar");
    let served = reqwest::get(server.url(&thumbnail)).await.expect("served");
    assert_eq!(served.status(), 200);
    let without = setup.remove_logo().await.expect("the logo goes");
    assert_eq!((without.logo, without.logo_thumbnail), (None, None));
}

#[tokio::test]
async fn the_counter_and_the_kitchen_may_not_change_the_store_and_a_bad_change_changes_nothing() {
    let server = TestServer::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let owner = App::merchant(&server, data.path()).await;
    let counter_credential = owner
        .desk
        .setup()
        .issue_device(&NewDevice {
            name: "前台电脑".into(),
            role: Role::Counter,
        })
        .await
        .expect("a counter's credential")
        .credential;
    let pause = StoreSettingsPatch {
        paused: Some(true),
        ..StoreSettingsPatch::default()
    };

    let counter_data = tempfile::tempdir().expect("data dir");
    let counter = App::open(&server, &counter_credential, counter_data.path()).await;
    counter.until(|v| v.connection.state == ConnectionState::Live).await;
    let store = counter.desk.setup().store().await.expect("the counter reads the state");
    assert_eq!(store.state, StoreState::Open);
    let refused = ActionError::from(
        counter
            .desk
            .setup()
            .change_store(&pause)
            .await
            .expect_err("not the owner"),
    );
    assert_eq!(refused.code, "role_not_allowed");
    assert!(refused.message.contains("店主"), "says who may: {}", refused.message);
    let refused = ActionError::from(
        counter
            .desk
            .setup()
            .set_logo("image/png", png())
            .await
            .expect_err("not the owner"),
    );
    assert_eq!(refused.code, "role_not_allowed");

    let kitchen_data = tempfile::tempdir().expect("data dir");
    let kitchen = App::open(&server, &server.kitchen, kitchen_data.path()).await;
    kitchen.until(|v| v.connection.state == ConnectionState::Live).await;
    let refused = ActionError::from(
        kitchen
            .desk
            .setup()
            .change_store(&pause)
            .await
            .expect_err("not the owner"),
    );
    assert_eq!(refused.code, "role_not_allowed");

    let setup = owner.desk.setup();
    let refused = ActionError::from(
        setup
            .change_store(&StoreSettingsPatch {
                name: Some("新店名".into()),
                paused: Some(true),
                hours: Some(vec![
                    HoursPeriod {
                        open: "10:00".into(),
                        close: "14:00".into(),
                        days: vec![1, 2, 3, 4, 5],
                    },
                    HoursPeriod {
                        open: "17:00".into(),
                        close: "7pm".into(),
                        days: vec![],
                    },
                ]),
                ..StoreSettingsPatch::default()
            })
            .await
            .expect_err("the second period's close is not HH:MM"),
    );
    assert_eq!(refused.code, "invalid_hours");
    assert!(
        refused.message.contains("第 2 段"),
        "names the period: {}",
        refused.message
    );
    let refused = ActionError::from(
        setup
            .set_logo("image/png", b"not an image".to_vec())
            .await
            .expect_err("not an image"),
    );
    assert_eq!(refused.code, "invalid_photo");

    let store = setup.store().await.expect("the store");
    assert_eq!(
        (
            store.name.as_str(),
            store.hours.len(),
            store.paused,
            store.logo,
            store.state
        ),
        ("铃声小馆", 0, false, None, StoreState::Open),
        "nothing changed"
    );
}
