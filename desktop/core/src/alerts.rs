//! The alert policy: when to notify, what to say, and when to say it again. Pure: every method
//! takes the time, and the answer is a list of [`Effect`]s for someone else to carry out.
//!
//! - A paid order (or a 先吃后付 round, submitted unpaid) is announced and then repeated every
//!   `repeat_secs` until it is accepted or rejected anywhere; then its pending and queued
//!   announcements are dropped.
//! - What is on screen is what still needs a person: an order's notification is withdrawn once
//!   the order is handled on any device, a 催单's once it is answered or the food is out, the
//!   lost-connection alarm once the connection is back. An order has one notification of each
//!   kind: a second 催单 replaces the first (the notifier shows a note over the one of its kind).
//! - One voice at a time: plans wait in a queue until the player says it finished
//!   ([`AlertPolicy::spoken`]); a plan for an order handled meanwhile is never spoken.
//! - Mute and quiet hours silence the voice; notifications still show.
//! - A connection down for longer than [`LOST_AFTER_MS`] gets a notification and the alarm
//!   tone, and the tone again every `lost_repeat_secs` until it is back: a long outage must not
//!   go quiet.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use orderbell_shared::{OrderDTO, OrderStatus};

use crate::notify::{Note, NoteKind};
use crate::saved::Settings;
use crate::voice::{Arrival, Cue, VoicePlan};

/// How long the stream may be down before the merchant is told.
pub const LOST_AFTER_MS: i64 = 30_000;

/// Something the outside world must do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Show `Note`, over the one of its kind if that is still shown.
    Notify(Note),
    /// Take down the notification of this kind: nobody needs it any more.
    Withdraw(NoteKind),
    Speak(VoicePlan),
}

#[derive(Debug)]
struct Repeat {
    table: String,
    arrival: Arrival,
    due_ms: i64,
}

#[derive(Debug, Default)]
pub struct AlertPolicy {
    settings: Settings,
    utc_offset_secs: i32,
    repeats: BTreeMap<i64, Repeat>,
    queue: VecDeque<VoicePlan>,
    /// What the player is saying now.
    playing: Option<Cue>,
    offline_since: Option<i64>,
    /// When the lost-connection tone is next due, while offline.
    alarm_due_ms: Option<i64>,
    alarmed: bool,
    /// Notifications shown that are to be withdrawn once they are no longer needed.
    shown: BTreeSet<NoteKind>,
}

impl AlertPolicy {
    pub fn new(settings: Settings) -> AlertPolicy {
        AlertPolicy {
            settings,
            ..AlertPolicy::default()
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn set_settings(&mut self, settings: Settings) {
        self.settings = settings;
    }

    /// The local zone, for quiet hours; the desk sets it from its clock.
    pub fn set_utc_offset(&mut self, secs: i32) {
        self.utc_offset_secs = secs;
    }

    /// An order waiting for the merchant: a notification if it is news, and the voice now and
    /// every `repeat_secs`.
    pub fn new_order(&mut self, order: &OrderDTO, notify: bool, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        if notify {
            effects.push(self.show(Note::new_order(order)));
        }
        let arrival = Arrival::of(order);
        self.repeats.insert(
            order.order_id,
            Repeat {
                table: order.table_number.clone(),
                arrival,
                due_ms: now + self.repeat_ms(),
            },
        );
        let plan = VoicePlan::new_order(order.order_id, &order.table_number, arrival, self.settings.volume);
        effects.extend(self.say(plan, now));
        effects
    }

    /// The order's party moved to another table (换桌): its repeats name the table it is at now.
    pub fn moved(&mut self, order_id: i64, table: &str) {
        if let Some(repeat) = self.repeats.get_mut(&order_id) {
            repeat.table = table.to_owned();
        }
    }

    /// Whether `order_id`'s announcement is already repeating.
    pub fn is_repeating(&self, order_id: i64) -> bool {
        self.repeats.contains_key(&order_id)
    }

    /// A 催单: a notification with reply buttons and 「N号桌催单」 once.
    pub fn hurry(&mut self, order: &OrderDTO, count: u32, now: i64) -> Vec<Effect> {
        let mut effects = vec![self.show(Note::hurry(order, count))];
        let plan = VoicePlan::hurry(order.order_id, &order.table_number, self.settings.volume);
        effects.extend(self.say(plan, now));
        effects
    }

    /// The server escalated an alert nobody heard: show it again and say it now, at full volume,
    /// even if it was announced before — unless it is being said or waiting its turn already.
    pub fn alarm(&mut self, note: Note, mut plan: VoicePlan, now: i64) -> Vec<Effect> {
        if self.playing == Some(plan.cue) || self.queue.iter().any(|queued| queued.cue == plan.cue) {
            return Vec::new();
        }
        let repeat_ms = self.repeat_ms();
        if let Cue::NewOrder { order_id } = plan.cue
            && let Some(repeat) = self.repeats.get_mut(&order_id)
        {
            repeat.due_ms = now + repeat_ms;
        }
        plan.volume = 1.0;
        let mut effects = vec![self.show(note)];
        effects.extend(self.say(plan, now));
        effects
    }

    /// The kitchen's chime for a ticket to cook.
    pub fn ticket(&mut self, order_id: i64, now: i64) -> Vec<Effect> {
        self.say(VoicePlan::ticket(order_id, self.settings.volume), now)
    }

    /// A notification that stays until the merchant dismisses it: a payment anomaly needs a
    /// person whatever becomes of the order.
    pub fn notify(&mut self, note: Note) -> Vec<Effect> {
        vec![Effect::Notify(note)]
    }

    /// The test-sound button: plays even when muted or in quiet hours — it was asked for.
    pub fn test_sound(&mut self) -> Vec<Effect> {
        self.enqueue(VoicePlan::test(self.settings.volume))
    }

    /// An order's status is now `status` (`None`: gone from the board). Drops what no longer
    /// needs saying and withdraws what no longer needs showing.
    pub fn settle(&mut self, order_id: i64, status: Option<OrderStatus>) -> Vec<Effect> {
        let unhandled = status.is_some_and(OrderStatus::awaits_merchant);
        let cooking = status.is_some_and(is_cooking);
        if !unhandled {
            self.repeats.remove(&order_id);
        }
        self.queue.retain(|plan| match plan.cue {
            Cue::NewOrder { order_id: o } if o == order_id => unhandled,
            Cue::Hurry { order_id: o } | Cue::Ticket { order_id: o } if o == order_id => cooking,
            _ => true,
        });
        let mut effects = Vec::new();
        if !unhandled {
            effects.extend(self.withdraw(NoteKind::NewOrder { order_id }));
        }
        if !cooking {
            effects.extend(self.withdraw(NoteKind::Hurry { order_id }));
        }
        effects
    }

    /// Someone answered `order_id`'s 催单, on any device: it no longer needs saying or showing.
    pub fn answered(&mut self, order_id: i64) -> Vec<Effect> {
        self.queue.retain(|plan| plan.cue != Cue::Hurry { order_id });
        self.withdraw(NoteKind::Hurry { order_id }).into_iter().collect()
    }

    /// The orders this policy still repeats or shows something for, to settle after a snapshot
    /// (the events that handled them may never come).
    pub fn orders(&self) -> BTreeSet<i64> {
        let shown = self.shown.iter().filter_map(|kind| kind.order_id());
        self.repeats.keys().copied().chain(shown).collect()
    }

    /// Time passed: repeats that are due, and the lost-connection alarm.
    pub fn tick(&mut self, now: i64) -> Vec<Effect> {
        let mut effects = Vec::new();
        let repeat_ms = self.repeat_ms();
        let volume = self.settings.volume;
        let due: Vec<VoicePlan> = self
            .repeats
            .iter_mut()
            .filter(|(_, r)| r.due_ms <= now)
            .map(|(id, r)| {
                r.due_ms = now + repeat_ms;
                VoicePlan::new_order(*id, &r.table, r.arrival, volume)
            })
            .collect();
        for plan in due {
            effects.extend(self.say(plan, now));
        }
        if let Some(due) = self.alarm_due_ms
            && now >= due
        {
            self.alarm_due_ms = Some(now + i64::from(self.settings.lost_repeat_secs.max(1)) * 1000);
            if !self.alarmed {
                self.alarmed = true;
                effects.push(self.show(Note::connection_lost()));
            }
            effects.extend(self.say(VoicePlan::connection_lost(volume), now));
        }
        effects
    }

    /// The stream went down; the alarm sounds if it stays down.
    pub fn connection_down(&mut self, now: i64) {
        if self.offline_since.is_none() {
            self.offline_since = Some(now);
            self.alarm_due_ms = Some(now + LOST_AFTER_MS);
        }
    }

    /// The stream is back (or the outage is over for another reason): no alarm, and the one
    /// shown is withdrawn.
    pub fn connection_up(&mut self) -> Vec<Effect> {
        self.offline_since = None;
        self.alarm_due_ms = None;
        self.alarmed = false;
        self.queue.retain(|plan| plan.cue != Cue::ConnectionLost);
        self.withdraw(NoteKind::ConnectionLost).into_iter().collect()
    }

    /// A printer of this device went off line or out of paper: shown, and said once (the
    /// banner stays until it is back).
    pub fn printer_problem(&mut self, note: Note, plan: VoicePlan, now: i64) -> Vec<Effect> {
        let mut effects = vec![self.show(note)];
        effects.extend(self.say(plan, now));
        effects
    }

    /// The printer took its jobs again: its warning goes.
    pub fn printer_back(&mut self, printer_id: i64) -> Vec<Effect> {
        self.queue.retain(|plan| plan.cue != Cue::Printer { printer_id });
        self.withdraw(NoteKind::Printer { printer_id }).into_iter().collect()
    }

    /// Down for longer than [`LOST_AFTER_MS`]: the window shows the banner.
    pub fn is_lost(&self, now: i64) -> bool {
        self.offline_since.is_some_and(|since| now - since >= LOST_AFTER_MS)
    }

    /// The player finished the current plan: the next one, if any.
    pub fn spoken(&mut self) -> Vec<Effect> {
        self.playing = None;
        self.next_plan()
    }

    fn show(&mut self, note: Note) -> Effect {
        self.shown.insert(note.kind);
        Effect::Notify(note)
    }

    /// Only what is shown is withdrawn, once.
    fn withdraw(&mut self, kind: NoteKind) -> Option<Effect> {
        self.shown.remove(&kind).then_some(Effect::Withdraw(kind))
    }

    fn say(&mut self, plan: VoicePlan, now: i64) -> Vec<Effect> {
        if self.settings.muted || self.quiet_at(now) {
            return Vec::new();
        }
        self.enqueue(plan)
    }

    fn enqueue(&mut self, plan: VoicePlan) -> Vec<Effect> {
        // The same announcement already waiting says it soon enough.
        if !self.queue.iter().any(|queued| queued.cue == plan.cue) {
            self.queue.push_back(plan);
        }
        self.next_plan()
    }

    fn next_plan(&mut self) -> Vec<Effect> {
        if self.playing.is_some() {
            return Vec::new();
        }
        match self.queue.pop_front() {
            Some(plan) => {
                self.playing = Some(plan.cue);
                vec![Effect::Speak(plan)]
            }
            None => Vec::new(),
        }
    }

    fn quiet_at(&self, now: i64) -> bool {
        let Some(quiet) = self.settings.quiet_hours else {
            return false;
        };
        let local_secs = now.div_euclid(1000) + i64::from(self.utc_offset_secs);
        let minute = local_secs.rem_euclid(86_400) / 60;
        quiet.contains(minute as u16)
    }

    fn repeat_ms(&self) -> i64 {
        i64::from(self.settings.repeat_secs.max(1)) * 1000
    }
}

/// Still to be cooked: a 催单 on it needs an answer, and the kitchen has its ticket.
pub fn is_cooking(status: OrderStatus) -> bool {
    status.awaits_merchant() || status == OrderStatus::Accepted
}
