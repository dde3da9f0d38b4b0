//! The real outputs: notify-rust against a real notification server (dunst on a private D-Bus
//! session) and rodio through a real ALSA device whose output is captured to a file. Run inside
//! `desktop/test-env` (scripts/test does), which provides both; hence the `desktop-env` feature.
//! [`withdrawn`] runs the whole desk against the real server and dunst, [`receipts`] also ALSA.

mod bus;
mod receipts;
mod withdrawn;

use std::path::PathBuf;

use orderbell_desktop_core::notify::{Note, Notifier};
use orderbell_desktop_core::voice::clips::ClipLibrary;
use orderbell_desktop_core::voice::player::Voice;
use orderbell_desktop_core::voice::{Arrival, VoicePlan};
use orderbell_shared::{Money, OrderDTO, OrderStatus};

use bus::Monitor;

/// The one ALSA capture file: tests that play the voice take turns.
static SPEAKERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn order() -> OrderDTO {
    OrderDTO {
        order_id: 12,
        order_no: "OB00000012".into(),
        store_id: 1,
        table_id: 12,
        table_number: "A12".into(),
        status: OrderStatus::Paid,
        items: Vec::new(),
        total_amount: Money::from_cents(7600),
        total_quantity: 2,
        created_at: 0,
        paid_at: Some(0),
        accepted_at: None,
        ready_at: None,
        finished_at: None,
        reject_reason: None,
        reminder_count: 1,
        last_reminder_at: None,
        bill_id: None,
        round: None,
    }
}

#[test]
fn a_paid_order_and_a_hurry_reach_the_notification_server() {
    let server = notify_rust::get_server_information().expect("a notification server on the session bus");
    assert_eq!(server.name, "dunst", "the real daemon, not a stand-in");
    let mut monitor = Monitor::start();

    Notifier::default()
        .show(&Note::new_order(&order()), |_| {})
        .expect("shown");
    monitor.until("新订单 A12号桌");
    let call = monitor.until("¥76.00");
    assert!(call.contains("member=Notify"), "a Notify call: {call}");

    Notifier::default()
        .show(&Note::hurry(&order(), 2), |_| {})
        .expect("shown");
    monitor.until("A12号桌催单（第2次）");
    let call = monitor.until("已出餐");
    assert!(
        call.contains("正在制作") && call.contains("马上就好"),
        "every preset is offered as an action: {call}"
    );
}

fn capture() -> PathBuf {
    PathBuf::from(std::env::var_os("ORDERBELL_CAPTURE").expect("ORDERBELL_CAPTURE (set by desktop/test-env)"))
}

/// The 16-bit samples of a WAV file written by ALSA's file plugin (whose header sizes may be
/// unset): everything after the `data` tag.
fn samples(bytes: &[u8]) -> Vec<i16> {
    let start = bytes
        .windows(4)
        .position(|w| w == b"data")
        .map_or(bytes.len(), |at| at + 8);
    bytes[start.min(bytes.len())..]
        .chunks_exact(2)
        .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
        .collect()
}

#[test]
fn the_voice_plays_through_alsa_and_the_capture_is_not_silent() {
    let _speakers = SPEAKERS.blocking_lock();
    let voice = Voice::new(ClipLibrary::new(None));
    voice
        .play(&VoicePlan::new_order(12, "A12", Arrival::Paid, 1.0))
        .expect("played on the default ALSA device");
    let bytes = std::fs::read(capture()).expect("ALSA wrote the capture file");
    let samples = samples(&bytes);
    let loud = samples.iter().filter(|s| s.unsigned_abs() > 1000).count();
    let peak = samples.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
    // 44.1 kHz stereo: a chime and a sentence are well over a second of sound.
    assert!(loud > 44_100, "{loud} loud samples of {}, peak {peak}", samples.len());
    assert!(peak > 8000, "the capture is not silent: peak {peak}");
}
