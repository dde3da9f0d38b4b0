//! The rules of a store's settings, apart from storage and HTTP: what an owner may set, and
//! whether the store takes orders at an instant — its business hours read in the store's local
//! time, the owner's hand on them (open or closed now), and 暂停接单.
//!
//! Instants are milliseconds since the Unix epoch, passed in, so tests choose the time.

use orderbell_shared::store::{HoursPeriod, ManualChoice, ManualHours, StoreSettingsPatch, StoreState};

use crate::domain::stores::StoreSettingsRow;
use crate::error::{Error, Result};

pub const MAX_STORE_NAME: usize = 30;
pub const MAX_ANNOUNCEMENT_CHARS: usize = 100;
/// Enough for lunch and dinner on each day of the week.
pub const MAX_PERIODS: usize = 14;

const MINUTE_MS: i64 = 60_000;
const DAY_MINUTES: i64 = 24 * 60;
const DAY_MS: i64 = DAY_MINUTES * MINUTE_MS;
/// How far ahead the hours are searched for their next change: a week and a day covers any
/// weekly schedule.
const LOOKAHEAD_MINUTES: i64 = 8 * DAY_MINUTES;

/// One period of the hours, read: minutes after local midnight, and a weekday mask (bit 0 Monday).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Period {
    open: i64,
    close: i64,
    days: u8,
}

impl Period {
    fn on(&self, weekday: u8) -> bool {
        self.days & (1 << (weekday - 1)) != 0
    }

    /// Open at `minute` of a day whose weekday is `weekday` (the day before: `yesterday`)?
    fn covers(&self, weekday: u8, yesterday: u8, minute: i64) -> bool {
        if self.open < self.close {
            self.on(weekday) && (self.open..self.close).contains(&minute)
        } else {
            // Past midnight: the evening belongs to today, the small hours to yesterday's period.
            (self.on(weekday) && minute >= self.open) || (self.on(yesterday) && minute < self.close)
        }
    }
}

/// The settings after the owner's change, checked whole: nothing is kept from a refused change.
pub fn apply(current: &StoreSettingsRow, patch: &StoreSettingsPatch, now: i64) -> Result<StoreSettingsRow> {
    let mut next = current.clone();
    if let Some(name) = &patch.name {
        next.name = store_name(name)?;
    }
    if let Some(announcement) = &patch.announcement {
        next.announcement = checked_announcement(announcement)?;
    }
    if let Some(hours) = &patch.hours {
        read_hours(hours)?;
        next.hours = hours.clone();
    }
    if let Some(offset) = patch.utc_offset_minutes {
        if !(-12 * 60..=14 * 60).contains(&offset) {
            return Err(Error::invalid(
                "invalid_utc_offset",
                "时区须在 UTC-12 到 UTC+14 之间（utcOffsetMinutes 从 -720 到 840；中国为 480）",
            ));
        }
        next.utc_offset_minutes = offset;
    }
    if let Some(paused) = patch.paused {
        next.paused = paused;
    }
    if let Some(mode) = patch.ordering_mode {
        next.ordering_mode = mode;
    }
    let hours_changed = next.hours != current.hours || next.utc_offset_minutes != current.utc_offset_minutes;
    next.manual = match patch.manual {
        Some(ManualChoice::Auto) => None,
        Some(ManualChoice::Open) => Some(true),
        Some(ManualChoice::Closed) => Some(false),
        None => current.manual.as_ref().map(|m| m.open),
    }
    .map(|open| match (&current.manual, patch.manual, hours_changed) {
        // Kept as it was: it still ends when it was going to.
        (Some(kept), None, false) => kept.clone(),
        _ => ManualHours {
            open,
            until: next_change(&next, now),
        },
    });
    Ok(next)
}

/// Whether the store takes orders at `now`.
pub fn state_at(settings: &StoreSettingsRow, now: i64) -> StoreState {
    let by_hand = settings
        .manual
        .as_ref()
        .filter(|m| m.until.is_none_or(|until| now < until))
        .map(|m| m.open);
    match by_hand.unwrap_or_else(|| open_by_hours(settings, now)) {
        false => StoreState::Closed,
        true if settings.paused => StoreState::Paused,
        true => StoreState::Open,
    }
}

/// Refuse an order unless the store takes orders at `now`; the cart is left as it is.
pub fn ensure_taking_orders(settings: &StoreSettingsRow, now: i64) -> Result<()> {
    let (code, message) = match state_at(settings, now) {
        StoreState::Open => return Ok(()),
        StoreState::Closed => (
            "store_closed",
            match hours_text(&settings.hours) {
                Some(hours) => format!("本店已打烊，营业时间：{hours}。购物车会保留，请在营业时间内下单"),
                None => "本店已打烊，暂不接单。购物车会保留，请稍后再来".to_owned(),
            },
        ),
        StoreState::Paused => (
            "store_paused",
            "商家暂停接单，购物车会保留，请稍后再试或联系服务员".to_owned(),
        ),
    };
    Err(Error::Conflict {
        code,
        message,
        current: None,
    })
}

/// Open at `now` by the hours alone?
fn open_by_hours(settings: &StoreSettingsRow, now: i64) -> bool {
    if settings.hours.is_empty() {
        return true;
    }
    // Stored hours were checked when written; a period that does not read is no opening.
    let periods: Vec<Period> = settings.hours.iter().filter_map(|p| read_period(p).ok()).collect();
    let local = now + i64::from(settings.utc_offset_minutes) * MINUTE_MS;
    let day = local.div_euclid(DAY_MS);
    let minute = local.rem_euclid(DAY_MS) / MINUTE_MS;
    let (weekday, yesterday) = (weekday(day), weekday(day - 1));
    periods.iter().any(|p| p.covers(weekday, yesterday, minute))
}

/// 1 (Monday) to 7 (Sunday) of the `day`th day since 1970-01-01, a Thursday.
fn weekday(day: i64) -> u8 {
    // rem_euclid(7) is in 0..7, so this is in 1..=7.
    u8::try_from((day + 3).rem_euclid(7) + 1).unwrap_or(1)
}

/// When the hours next open or close after `now` (on a minute); `None` if they never change.
pub fn next_change(settings: &StoreSettingsRow, now: i64) -> Option<i64> {
    let open_now = open_by_hours(settings, now);
    let first = (now.div_euclid(MINUTE_MS) + 1) * MINUTE_MS;
    (0..LOOKAHEAD_MINUTES)
        .map(|i| first + i * MINUTE_MS)
        .find(|&at| open_by_hours(settings, at) != open_now)
}

/// The hours as a person reads them: 「每天 10:00–22:00」, 「周一至周五 11:00–14:00；每天 17:00–02:00」.
pub fn hours_text(hours: &[HoursPeriod]) -> Option<String> {
    let parts: Vec<String> = hours
        .iter()
        .map(|p| format!("{} {}–{}", days_text(&p.days), p.open, p.close))
        .collect();
    (!parts.is_empty()).then(|| parts.join("；"))
}

/// 「每天」, 「周六、周日」, or runs of three days and more as a range: 「周一至周五、周日」.
fn days_text(days: &[u8]) -> String {
    const NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let name = |d: u8| NAMES.get(usize::from(d).saturating_sub(1)).copied().unwrap_or_default();
    let mut days = days.to_vec();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() || days.len() == NAMES.len() {
        return "每天".to_owned();
    }
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for d in days {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == d => *last = d,
            _ => runs.push((d, d)),
        }
    }
    let words: Vec<String> = runs
        .into_iter()
        .flat_map(|(first, last)| match last - first {
            0 => vec![name(first).to_owned()],
            1 => vec![name(first).to_owned(), name(last).to_owned()],
            _ => vec![format!("{}至{}", name(first), name(last))],
        })
        .collect();
    words.join("、")
}

/// A store's name as people read it: trimmed, 1 to 30 characters, on one line. Also the rule of
/// a new store's name (`create`).
pub fn store_name(name: &str) -> Result<String> {
    let name = name.trim();
    if (1..=MAX_STORE_NAME).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
        Ok(name.to_owned())
    } else {
        Err(Error::invalid(
            "invalid_store_name",
            format!("门店名称须为 1 到 {MAX_STORE_NAME} 个字，且不能换行"),
        ))
    }
}

fn checked_announcement(line: &str) -> Result<Option<String>> {
    let line = line.trim();
    let chars = line.chars().count();
    if chars > MAX_ANNOUNCEMENT_CHARS {
        return Err(Error::invalid(
            "announcement_too_long",
            format!(
                "公告最多 {MAX_ANNOUNCEMENT_CHARS} 个字，现在有 {chars} 个字，请删掉 {} 个字",
                chars - MAX_ANNOUNCEMENT_CHARS
            ),
        ));
    }
    if line.contains(['\n', '\r']) {
        return Err(Error::invalid("invalid_announcement", "公告只能有一行，请去掉换行"));
    }
    Ok((!line.is_empty()).then(|| line.to_owned()))
}

fn read_hours(hours: &[HoursPeriod]) -> Result<Vec<Period>> {
    if hours.len() > MAX_PERIODS {
        return Err(Error::invalid(
            "invalid_hours",
            format!("营业时间最多 {MAX_PERIODS} 段"),
        ));
    }
    hours
        .iter()
        .enumerate()
        .map(|(i, period)| {
            read_period(period).map_err(|why| Error::invalid("invalid_hours", format!("第 {} 段营业时间{why}", i + 1)))
        })
        .collect()
}

/// A period read, or why it does not read (said after 「第 N 段营业时间」).
fn read_period(period: &HoursPeriod) -> std::result::Result<Period, &'static str> {
    let open = minutes(&period.open).ok_or("的开始时间须写成 08:30 这样的 24 小时制时间")?;
    let close = minutes(&period.close).ok_or("的结束时间须写成 22:00 这样的 24 小时制时间")?;
    if open == close {
        return Err("的开始和结束时间相同；全天营业请不设营业时间");
    }
    let mut days = 0u8;
    for day in &period.days {
        if !(1..=7).contains(day) {
            return Err("的星期须是 1（周一）到 7（周日）");
        }
        days |= 1 << (day - 1);
    }
    Ok(Period {
        open,
        close,
        days: if days == 0 { 0x7f } else { days },
    })
}

/// `"HH:MM"` as minutes after midnight.
fn minutes(time: &str) -> Option<i64> {
    let (h, m) = time.split_once(':')?;
    let digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-07 00:00 in China (UTC+8): a Monday.
    const MONDAY: i64 = 1_796_601_600_000 - 8 * 3_600_000;
    const HOUR: i64 = 3_600_000;

    fn at(day: i64, hour: i64, minute: i64) -> i64 {
        MONDAY + day * DAY_MS + hour * HOUR + minute * MINUTE_MS
    }

    fn period(open: &str, close: &str, days: &[u8]) -> HoursPeriod {
        HoursPeriod {
            open: open.into(),
            close: close.into(),
            days: days.to_vec(),
        }
    }

    fn store(hours: Vec<HoursPeriod>) -> StoreSettingsRow {
        StoreSettingsRow {
            hours,
            ..StoreSettingsRow::defaults(1, "小馆".into())
        }
    }

    fn patch(change: impl FnOnce(&mut StoreSettingsPatch)) -> StoreSettingsPatch {
        let mut patch = StoreSettingsPatch::default();
        change(&mut patch);
        patch
    }

    #[test]
    fn the_test_monday_is_a_monday() {
        let local_day = (MONDAY + 8 * HOUR).div_euclid(DAY_MS);
        assert_eq!(weekday(local_day), 1, "the fixtures below rely on it");
        assert_eq!(weekday(0), 4, "1970-01-01 was a Thursday");
    }

    #[test]
    fn without_hours_a_store_is_always_open() {
        let s = store(vec![]);
        assert_eq!(state_at(&s, at(0, 3, 0)), StoreState::Open);
        assert_eq!(next_change(&s, at(0, 3, 0)), None, "nothing ever changes by itself");
    }

    #[test]
    fn hours_are_read_in_the_stores_local_time() {
        let s = store(vec![period("10:00", "22:00", &[])]);
        assert_eq!(state_at(&s, at(0, 9, 59)), StoreState::Closed);
        assert_eq!(
            state_at(&s, at(0, 10, 0)),
            StoreState::Open,
            "open from the minute it opens"
        );
        assert_eq!(state_at(&s, at(0, 21, 59)), StoreState::Open);
        assert_eq!(
            state_at(&s, at(0, 22, 0)),
            StoreState::Closed,
            "closed from the minute it closes"
        );
        let tokyo = StoreSettingsRow {
            utc_offset_minutes: 9 * 60,
            ..s.clone()
        };
        assert_eq!(
            state_at(&tokyo, at(0, 21, 30)),
            StoreState::Closed,
            "21:30 in China is 22:30 an hour east"
        );
    }

    #[test]
    fn a_period_past_midnight_belongs_to_the_day_it_opened() {
        // Friday and Saturday nights only, 18:00 to 02:00.
        let s = store(vec![period("18:00", "02:00", &[5, 6])]);
        assert_eq!(state_at(&s, at(4, 23, 0)), StoreState::Open, "Friday night");
        assert_eq!(
            state_at(&s, at(5, 1, 59)),
            StoreState::Open,
            "Saturday's small hours are Friday's"
        );
        assert_eq!(state_at(&s, at(5, 2, 0)), StoreState::Closed);
        assert_eq!(
            state_at(&s, at(6, 1, 0)),
            StoreState::Open,
            "Sunday's small hours are Saturday's"
        );
        assert_eq!(state_at(&s, at(6, 19, 0)), StoreState::Closed, "not Sunday night");
        assert_eq!(
            state_at(&s, at(4, 1, 0)),
            StoreState::Closed,
            "Friday's small hours: Thursday was shut"
        );
    }

    #[test]
    fn lunch_and_dinner_on_weekdays() {
        let s = store(vec![
            period("11:00", "14:00", &[1, 2, 3, 4, 5]),
            period("17:00", "21:30", &[1, 2, 3, 4, 5]),
        ]);
        assert_eq!(state_at(&s, at(2, 12, 0)), StoreState::Open);
        assert_eq!(
            state_at(&s, at(2, 15, 0)),
            StoreState::Closed,
            "between lunch and dinner"
        );
        assert_eq!(state_at(&s, at(5, 12, 0)), StoreState::Closed, "Saturday");
        assert_eq!(next_change(&s, at(2, 15, 0)), Some(at(2, 17, 0)));
        assert_eq!(
            next_change(&s, at(4, 22, 0)),
            Some(at(7, 11, 0)),
            "from Friday night to Monday's lunch"
        );
    }

    #[test]
    fn closing_by_hand_lasts_until_the_hours_next_change() {
        let s = store(vec![period("10:00", "22:00", &[])]);
        let closed = apply(&s, &patch(|p| p.manual = Some(ManualChoice::Closed)), at(0, 15, 0)).expect("valid");
        assert_eq!(
            closed.manual,
            Some(ManualHours {
                open: false,
                until: Some(at(0, 22, 0))
            })
        );
        assert_eq!(state_at(&closed, at(0, 15, 0)), StoreState::Closed);
        assert_eq!(
            state_at(&closed, at(1, 10, 0)),
            StoreState::Open,
            "tomorrow opens as usual"
        );

        let open = apply(&s, &patch(|p| p.manual = Some(ManualChoice::Open)), at(0, 23, 0)).expect("valid");
        assert_eq!(state_at(&open, at(0, 23, 30)), StoreState::Open, "open late tonight");
        assert_eq!(
            state_at(&open, at(1, 9, 0)),
            StoreState::Open,
            "until the hours open anyway"
        );
        assert_eq!(
            state_at(&open, at(1, 22, 0)),
            StoreState::Closed,
            "then the hours rule again"
        );

        let auto = apply(&closed, &patch(|p| p.manual = Some(ManualChoice::Auto)), at(0, 15, 1)).expect("valid");
        assert_eq!(auto.manual, None);
        assert_eq!(state_at(&auto, at(0, 15, 1)), StoreState::Open);
    }

    #[test]
    fn closing_by_hand_without_hours_lasts_until_reopened() {
        let s = store(vec![]);
        let closed = apply(&s, &patch(|p| p.manual = Some(ManualChoice::Closed)), at(0, 12, 0)).expect("valid");
        assert_eq!(
            state_at(&closed, at(30, 12, 0)),
            StoreState::Closed,
            "a month later, still closed"
        );
    }

    #[test]
    fn changing_the_hours_moves_the_end_of_a_manual_close() {
        let s = store(vec![period("10:00", "22:00", &[])]);
        let closed = apply(&s, &patch(|p| p.manual = Some(ManualChoice::Closed)), at(0, 15, 0)).expect("valid");
        let later = apply(
            &closed,
            &patch(|p| p.hours = Some(vec![period("10:00", "23:00", &[])])),
            at(0, 16, 0),
        )
        .expect("valid");
        assert_eq!(later.manual.and_then(|m| m.until), Some(at(0, 23, 0)));
        let kept = apply(&closed, &patch(|p| p.paused = Some(true)), at(0, 16, 0)).expect("valid");
        assert_eq!(kept.manual, closed.manual, "an unrelated change keeps the end");
    }

    #[test]
    fn pausing_shows_only_while_open() {
        let s = StoreSettingsRow {
            paused: true,
            ..store(vec![period("10:00", "22:00", &[])])
        };
        assert_eq!(state_at(&s, at(0, 12, 0)), StoreState::Paused);
        assert_eq!(
            state_at(&s, at(0, 23, 0)),
            StoreState::Closed,
            "closed says more than paused"
        );
        let refused = ensure_taking_orders(&s, at(0, 12, 0)).expect_err("paused");
        assert_eq!(refused.code(), "store_paused");
        let refused = ensure_taking_orders(&s, at(0, 23, 0)).expect_err("closed");
        assert_eq!(refused.code(), "store_closed");
        assert!(refused.to_string().contains("每天 10:00–22:00"), "{refused}");
        assert!(ensure_taking_orders(&store(vec![]), at(0, 3, 0)).is_ok());
    }

    #[test]
    fn bad_settings_are_refused_with_what_to_fix() {
        let s = store(vec![]);
        let code = |p: StoreSettingsPatch| apply(&s, &p, at(0, 12, 0)).expect_err("refused").code();
        assert_eq!(code(patch(|p| p.name = Some("  ".into()))), "invalid_store_name");
        assert_eq!(code(patch(|p| p.name = Some("店".repeat(31)))), "invalid_store_name");
        assert_eq!(
            code(patch(|p| p.announcement = Some("告".repeat(101)))),
            "announcement_too_long"
        );
        assert_eq!(
            code(patch(|p| p.announcement = Some("a\nb".into()))),
            "invalid_announcement"
        );
        for bad in [
            period("9:00", "22:00", &[]),
            period("10:00", "24:00", &[]),
            period("10:60", "22:00", &[]),
            period("10:00", "10:00", &[]),
            period("10:00", "22:00", &[0]),
            period("10:00", "22:00", &[8]),
        ] {
            assert_eq!(
                code(patch(|p| p.hours = Some(vec![bad.clone()]))),
                "invalid_hours",
                "{bad:?}"
            );
        }
        let second = apply(
            &s,
            &patch(|p| p.hours = Some(vec![period("10:00", "14:00", &[]), period("17:00", "7pm", &[])])),
            0,
        )
        .expect_err("refused");
        assert!(second.to_string().starts_with("第 2 段营业时间"), "{second}");
        assert_eq!(
            code(patch(|p| p.hours = Some(vec![period("10:00", "14:00", &[]); 15]))),
            "invalid_hours"
        );
        assert_eq!(
            code(patch(|p| p.utc_offset_minutes = Some(15 * 60))),
            "invalid_utc_offset"
        );
    }

    #[test]
    fn store_names_are_one_line_of_at_most_30() {
        assert_eq!(store_name("  小馆 ").ok().as_deref(), Some("小馆"));
        for bad in ["", "  ", "小\n馆", &"店".repeat(31)] {
            assert_eq!(
                store_name(bad).map_err(|e| e.code()),
                Err("invalid_store_name"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_good_change_trims_and_clears() {
        let s = StoreSettingsRow {
            announcement: Some("新店开业".into()),
            ..store(vec![])
        };
        let next = apply(
            &s,
            &patch(|p| {
                p.name = Some(" 铃声小馆 ".into());
                p.announcement = Some("  ".into());
            }),
            0,
        )
        .expect("valid");
        assert_eq!(next.name, "铃声小馆");
        assert_eq!(next.announcement, None, "an empty line removes the announcement");
    }

    #[test]
    fn hours_read_as_words() {
        assert_eq!(hours_text(&[]), None);
        assert_eq!(
            hours_text(&[period("11:00", "14:00", &[2, 1]), period("17:00", "02:00", &[])]).as_deref(),
            Some("周一、周二 11:00–14:00；每天 17:00–02:00")
        );
        assert_eq!(
            hours_text(&[period("11:00", "21:00", &[1, 2, 3, 4, 5, 7])]).as_deref(),
            Some("周一至周五、周日 11:00–21:00")
        );
    }
}
