//! When an alert nobody heard is escalated, settled, or acted on. Pure: the maintenance round
//! feeds it what storage and presence say.

use orderbell_shared::heard::{AlertSettings, EscalationReason, UnheardAction};

use crate::domain::alerts::AlertRow;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Every device alarms and the customer is told to ask a waiter.
    Escalate(EscalationReason),
    /// It was heard, or no longer needs a person: the unheard time ends.
    Settle,
    /// The owner's choice for a paid order nobody heard: accept or reject it.
    Act(UnheardAction),
    Wait,
}

/// The store's devices as the round sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Devices {
    /// Some device ever connected: the store runs alert devices. A store that never connected
    /// one (an integration over the API alone, a fresh install) has nobody to escalate to.
    pub known: bool,
    /// Some device is connected now.
    pub online: bool,
}

/// What to do with one alert at `now`.
pub fn next_step(alert: &AlertRow, devices: Devices, settings: &AlertSettings, now: i64) -> Step {
    let waited = now.saturating_sub(alert.since);
    let secs = |s: u64| i64::try_from(s.saturating_mul(1000)).unwrap_or(i64::MAX);
    let heard = alert.sounded || !alert.needs_person;
    match &alert.escalation {
        Some(e) if e.settled_at.is_none() => {
            if heard {
                Step::Settle
            } else if alert.reminder_id == 0
                && settings.unheard_action != UnheardAction::None
                && waited >= secs(settings.unheard_action_after_secs)
            {
                Step::Act(settings.unheard_action)
            } else {
                Step::Wait
            }
        }
        // An alert escalates once; a settled one stays settled.
        Some(_) => Step::Wait,
        None if heard || !devices.known => Step::Wait,
        // Nobody can hear it: say so at once rather than after the wait.
        None if !devices.online => Step::Escalate(EscalationReason::NoDeviceOnline),
        None if waited >= secs(settings.escalate_after_secs) => Step::Escalate(EscalationReason::NotHeard),
        None => Step::Wait,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alerts::EscalationRow;

    const PAID: i64 = 1_000_000;
    const ONLINE: Devices = Devices {
        known: true,
        online: true,
    };
    const OFFLINE: Devices = Devices {
        known: true,
        online: false,
    };

    fn alert(sounded: bool, needs_person: bool, escalation: Option<EscalationRow>) -> AlertRow {
        AlertRow {
            order_id: 1,
            reminder_id: 0,
            store_id: 1,
            table_number: "A01".into(),
            since: PAID,
            needs_person,
            sounded,
            escalation,
        }
    }

    fn open() -> Option<EscalationRow> {
        Some(EscalationRow {
            reason: EscalationReason::NotHeard,
            started_at: PAID + 15_000,
            settled_at: None,
        })
    }

    #[test]
    fn an_unheard_order_escalates_after_the_wait_or_at_once_when_nobody_is_online() {
        let s = AlertSettings::default();
        assert_eq!(
            next_step(&alert(false, true, None), ONLINE, &s, PAID + 14_999),
            Step::Wait
        );
        assert_eq!(
            next_step(&alert(false, true, None), ONLINE, &s, PAID + 15_000),
            Step::Escalate(EscalationReason::NotHeard)
        );
        assert_eq!(
            next_step(&alert(false, true, None), OFFLINE, &s, PAID + 1),
            Step::Escalate(EscalationReason::NoDeviceOnline)
        );
        assert_eq!(
            next_step(&alert(true, true, None), ONLINE, &s, PAID + 60_000),
            Step::Wait,
            "heard"
        );
        assert_eq!(
            next_step(&alert(false, false, None), OFFLINE, &s, PAID + 60_000),
            Step::Wait,
            "handled"
        );
    }

    #[test]
    fn an_escalation_settles_once_heard_or_handled_and_never_escalates_again() {
        let s = AlertSettings::default();
        assert_eq!(
            next_step(&alert(true, true, open()), ONLINE, &s, PAID + 20_000),
            Step::Settle
        );
        assert_eq!(
            next_step(&alert(false, false, open()), ONLINE, &s, PAID + 20_000),
            Step::Settle
        );
        assert_eq!(
            next_step(&alert(false, true, open()), ONLINE, &s, PAID + 20_000),
            Step::Wait
        );
        let settled = Some(EscalationRow {
            settled_at: Some(PAID + 30_000),
            ..open().expect("row")
        });
        assert_eq!(
            next_step(&alert(false, true, settled), OFFLINE, &s, PAID + 90_000),
            Step::Wait
        );
    }

    #[test]
    fn the_owners_choice_is_taken_only_on_an_order_still_unheard_after_its_time() {
        let s = AlertSettings {
            unheard_action: UnheardAction::Reject,
            unheard_action_after_secs: 120,
            ..AlertSettings::default()
        };
        assert_eq!(
            next_step(&alert(false, true, open()), ONLINE, &s, PAID + 119_000),
            Step::Wait
        );
        assert_eq!(
            next_step(&alert(false, true, open()), ONLINE, &s, PAID + 120_000),
            Step::Act(UnheardAction::Reject)
        );
        let reminder = AlertRow {
            reminder_id: 7,
            ..alert(false, true, open())
        };
        assert_eq!(
            next_step(&reminder, ONLINE, &s, PAID + 600_000),
            Step::Wait,
            "a 催单 is never acted on"
        );
        assert_eq!(
            next_step(
                &alert(false, true, open()),
                ONLINE,
                &AlertSettings::default(),
                PAID + 3_600_000
            ),
            Step::Wait,
            "by default the alarm goes on until someone acts"
        );
    }
}
