//! What the app says, composed from short recorded clips: a chime, then 「您有新的订单，A12号桌」
//! (先付后吃), or 「A12号桌下单」 and 「A12号桌加菜」 for a table's rounds (先吃后付).
//! Clips instead of a speech engine, so the voice works offline on any machine and a merchant
//! can swap in recordings of their own staff. Composition is pure and tested here; playing is
//! [`player`]'s job.

pub mod clips;
pub mod player;

use orderbell_shared::printing::PrinterRole;
use orderbell_shared::{OrderDTO, OrderStatus};
use serde::Serialize;

/// One recorded piece of speech or tone. Its file name is [`Clip::name`] plus `.wav`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Clip {
    Chime,
    Alarm,
    NewOrder,
    Table,
    Hurry,
    /// 「下单」: a table's first round.
    Ordered,
    /// 「加菜」: a further round of the same bill.
    AddDishes,
    Lost,
    /// 「打印机离线，请检查」, after the printer's role word.
    PrinterOffline,
    /// 「打印机缺纸」, after the role word.
    PaperOut,
    /// 「厨房」「吧台」「前台」
    Role(PrinterRole),
    Digit(u8),
    Ten,
    Hundred,
    /// A Latin letter, lower case.
    Letter(char),
}

impl Clip {
    pub fn name(self) -> String {
        match self {
            Clip::Chime => "chime".into(),
            Clip::Alarm => "alarm".into(),
            Clip::NewOrder => "new_order".into(),
            Clip::Table => "table".into(),
            Clip::Hurry => "hurry".into(),
            Clip::Ordered => "ordered".into(),
            Clip::AddDishes => "add_dishes".into(),
            Clip::Lost => "lost".into(),
            Clip::PrinterOffline => "printer_offline".into(),
            Clip::PaperOut => "paper_out".into(),
            Clip::Role(PrinterRole::Kitchen) => "role_kitchen".into(),
            Clip::Role(PrinterRole::Bar) => "role_bar".into(),
            Clip::Role(PrinterRole::Counter) => "role_counter".into(),
            Clip::Digit(d) => format!("digit_{d}"),
            Clip::Ten => "ten".into(),
            Clip::Hundred => "hundred".into(),
            Clip::Letter(c) => format!("letter_{c}"),
        }
    }
}

/// Why a plan is spoken: the queue drops plans whose order was handled meanwhile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cue {
    NewOrder {
        order_id: i64,
    },
    Hurry {
        order_id: i64,
    },
    /// The kitchen's chime for a new ticket.
    Ticket {
        order_id: i64,
    },
    ConnectionLost,
    /// A printer of this device is off line or out of paper.
    Printer {
        printer_id: i64,
    },
    Test,
}

impl Cue {
    pub fn order_id(self) -> Option<i64> {
        match self {
            Cue::NewOrder { order_id } | Cue::Hurry { order_id } | Cue::Ticket { order_id } => Some(order_id),
            Cue::ConnectionLost | Cue::Printer { .. } | Cue::Test => None,
        }
    }
}

/// How a new order is announced. A paid order is news as such; a 先吃后付 round is sent to the
/// kitchen unpaid, and the counter wants to hear whether a table sat down or asks for more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Arrival {
    /// 「您有新的订单，A03号桌」
    Paid,
    /// 「A03号桌下单」: round 1 of a bill.
    FirstRound,
    /// 「A03号桌加菜」: round 2 and on.
    MoreDishes,
}

impl Arrival {
    pub fn of(order: &OrderDTO) -> Arrival {
        match (order.status, order.round) {
            (OrderStatus::Submitted, Some(round)) if round >= 2 => Arrival::MoreDishes,
            (OrderStatus::Submitted, _) => Arrival::FirstRound,
            _ => Arrival::Paid,
        }
    }

    /// What the notification's title and the voice say after the table: `None` for a paid order,
    /// whose sentence begins with 「您有新的订单」 instead.
    pub fn word(self) -> Option<&'static str> {
        match self {
            Arrival::Paid => None,
            Arrival::FirstRound => Some("下单"),
            Arrival::MoreDishes => Some("加菜"),
        }
    }
}

/// Something to say: the clips in order, what they say in words, at what volume.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VoicePlan {
    pub cue: Cue,
    pub clips: Vec<Clip>,
    /// The sentence, for logs, tests and the window's "now speaking" line.
    pub text: String,
    pub volume: f32,
}

impl VoicePlan {
    /// 「叮咚，您有新的订单，A12号桌」, or 「叮咚，A12号桌下单」/「…加菜」 for a round.
    pub fn new_order(order_id: i64, table: &str, arrival: Arrival, volume: f32) -> VoicePlan {
        let mut clips = vec![Clip::Chime];
        let text = match arrival {
            Arrival::Paid => {
                clips.push(Clip::NewOrder);
                clips.extend(table_clips(table));
                format!("您有新的订单，{table}号桌")
            }
            Arrival::FirstRound | Arrival::MoreDishes => {
                clips.extend(table_clips(table));
                clips.push(if arrival == Arrival::FirstRound {
                    Clip::Ordered
                } else {
                    Clip::AddDishes
                });
                format!("{table}号桌{}", arrival.word().unwrap_or_default())
            }
        };
        VoicePlan {
            cue: Cue::NewOrder { order_id },
            clips,
            text,
            volume,
        }
    }

    /// 「A12号桌催单」
    pub fn hurry(order_id: i64, table: &str, volume: f32) -> VoicePlan {
        let mut clips = vec![Clip::Chime];
        clips.extend(table_clips(table));
        clips.push(Clip::Hurry);
        VoicePlan {
            cue: Cue::Hurry { order_id },
            clips,
            text: format!("{table}号桌催单"),
            volume,
        }
    }

    pub fn ticket(order_id: i64, volume: f32) -> VoicePlan {
        VoicePlan {
            cue: Cue::Ticket { order_id },
            clips: vec![Clip::Chime],
            text: "叮咚".into(),
            volume,
        }
    }

    /// Not a chime: a low falling tone, then words, so nobody takes it for an order.
    pub fn connection_lost(volume: f32) -> VoicePlan {
        VoicePlan {
            cue: Cue::ConnectionLost,
            clips: vec![Clip::Alarm, Clip::Lost],
            text: "与服务器的连接已断开".into(),
            volume,
        }
    }

    /// 「厨房打印机离线，请检查」 or 「厨房打印机缺纸」, after the alarm tone: the jobs wait until
    /// someone sees to it.
    pub fn printer(printer_id: i64, role: PrinterRole, paper_out: bool, volume: f32) -> VoicePlan {
        let (clip, words) = if paper_out {
            (Clip::PaperOut, "打印机缺纸")
        } else {
            (Clip::PrinterOffline, "打印机离线，请检查")
        };
        VoicePlan {
            cue: Cue::Printer { printer_id },
            clips: vec![Clip::Alarm, Clip::Role(role), clip],
            text: format!("{}{words}", role.label()),
            volume,
        }
    }

    pub fn test(volume: f32) -> VoicePlan {
        VoicePlan {
            cue: Cue::Test,
            ..VoicePlan::new_order(0, "A8", Arrival::Paid, volume)
        }
    }
}

/// 「A12号桌」: letters one by one, numbers read as numbers (12 → 十二, 105 → 一百零五; a
/// leading zero is not said, so A01 is A一), long digit runs digit by digit; other marks silent.
pub fn table_clips(table: &str) -> Vec<Clip> {
    let mut clips = Vec::new();
    let mut digits = String::new();
    for c in table.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        clips.extend(number_clips(&digits));
        digits.clear();
        if c.is_ascii_alphabetic() {
            clips.push(Clip::Letter(c.to_ascii_lowercase()));
        }
    }
    clips.push(Clip::Table);
    clips
}

fn number_clips(digits: &str) -> Vec<Clip> {
    let Ok(n) = digits.parse::<u32>() else {
        return Vec::new();
    };
    if digits.len() > 4 || n > 999 {
        return digits.bytes().map(|b| Clip::Digit(b - b'0')).collect();
    }
    let (hundreds, tens, ones) = ((n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8);
    let mut clips = Vec::new();
    if hundreds > 0 {
        clips.extend([Clip::Digit(hundreds), Clip::Hundred]);
    }
    match (hundreds, tens) {
        (0, 0) => {}
        (0, 1) => clips.push(Clip::Ten),
        (_, 0) if ones > 0 => clips.push(Clip::Digit(0)),
        (_, 0) => {}
        _ => clips.extend([Clip::Digit(tens), Clip::Ten]),
    }
    if ones > 0 || n == 0 {
        clips.push(Clip::Digit(ones));
    }
    clips
}

#[cfg(test)]
mod tests {
    use super::Clip::*;
    use super::*;

    fn said(table: &str) -> String {
        table_clips(table)
            .into_iter()
            .map(Clip::name)
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn table_numbers_are_read_as_a_person_reads_them() {
        assert_eq!(said("8"), "digit_8 table");
        assert_eq!(said("10"), "ten table");
        assert_eq!(said("12"), "ten digit_2 table");
        assert_eq!(said("20"), "digit_2 ten table");
        assert_eq!(said("105"), "digit_1 hundred digit_0 digit_5 table");
        assert_eq!(said("110"), "digit_1 hundred digit_1 ten table");
        assert_eq!(said("A01"), "letter_a digit_1 table");
        assert_eq!(said("A12"), "letter_a ten digit_2 table");
        assert_eq!(said("b-3"), "letter_b digit_3 table");
        assert_eq!(said("0"), "digit_0 table");
        assert_eq!(said("12345"), "digit_1 digit_2 digit_3 digit_4 digit_5 table");
        assert_eq!(
            said("露台"),
            "table",
            "unknown marks are silent, the sentence still ends"
        );
    }

    #[test]
    fn a_new_order_is_a_chime_then_the_sentence_naming_the_table() {
        let plan = VoicePlan::new_order(5, "A03", Arrival::Paid, 0.5);
        assert_eq!(plan.clips, vec![Chime, NewOrder, Letter('a'), Digit(3), Table]);
        assert_eq!(plan.text, "您有新的订单，A03号桌");
        let hurry = VoicePlan::hurry(5, "7", 0.5);
        assert_eq!(hurry.clips, vec![Chime, Digit(7), Table, Hurry]);
        assert_eq!(hurry.text, "7号桌催单");
    }

    #[test]
    fn a_tables_rounds_are_said_as_ordered_then_more_dishes() {
        let first = VoicePlan::new_order(5, "A03", Arrival::FirstRound, 0.5);
        assert_eq!(first.clips, vec![Chime, Letter('a'), Digit(3), Table, Ordered]);
        assert_eq!(first.text, "A03号桌下单");
        let more = VoicePlan::new_order(6, "12", Arrival::MoreDishes, 0.5);
        assert_eq!(more.clips, vec![Chime, Ten, Digit(2), Table, AddDishes]);
        assert_eq!(more.text, "12号桌加菜");
        assert_eq!(more.cue, Cue::NewOrder { order_id: 6 }, "handled like any new order");
    }

    #[test]
    fn the_connection_alarm_does_not_sound_like_an_order() {
        let lost = VoicePlan::connection_lost(1.0);
        assert!(!lost.clips.contains(&Chime) && lost.clips.contains(&Alarm));
    }
}
