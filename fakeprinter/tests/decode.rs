//! The decoder reads hand-built ESC/POS streams into exactly what a printer would put on paper.

mod common;

use common::*;
use orderbell_fakeprinter::{Align, Printed, PrintedLine, QrPlacement, decode};

fn line(text: &str, bold: bool, size: u8, align: Align) -> PrintedLine {
    PrintedLine {
        text: text.to_owned(),
        bold,
        width: size,
        height: size,
        align,
    }
}

#[test]
fn a_kitchen_ticket_decodes_to_its_exact_lines() {
    let printed = decode(&kitchen_ticket("A8", "https://orderbell.example/t/A8"));
    let expected = Printed {
        lines: vec![
            line("A8号桌", true, 2, Align::Center),
            line("宫保鸡丁 ×2", false, 1, Align::Left),
            line("  备注：不要辣", true, 1, Align::Left),
            line("", false, 1, Align::Center),
            line("", false, 1, Align::Center),
        ],
        qr_codes: vec!["https://orderbell.example/t/A8".to_owned()],
        qr_placements: vec![QrPlacement {
            before_line: 3,
            align: Align::Center,
            module_dots: 6,
        }],
        cut: true,
        notes: vec![],
    };
    assert_eq!(printed, vec![expected]);
    assert_eq!(printed[0].text(), "A8号桌\n宫保鸡丁 ×2\n  备注：不要辣\n\n");
}

#[test]
fn two_cuts_are_two_tickets() {
    let stream = [
        kitchen_ticket("A1", "https://a.example/1"),
        kitchen_ticket("B2", "https://a.example/2"),
    ]
    .concat();
    let printed = decode(&stream);
    let tables: Vec<_> = printed.iter().map(|p| p.lines[0].text.as_str()).collect();
    assert_eq!(tables, ["A1号桌", "B2号桌"], "one ticket per cut, in order");
    assert!(printed.iter().all(|p| p.cut));
}

#[test]
fn chinese_without_chinese_mode_is_mojibake_as_on_paper() {
    let stream = [INIT, &gb("宫保鸡丁"), LF, CUT].concat();
    let text = decode(&stream)[0].text();
    assert!(
        !text.contains("宫保鸡丁"),
        "without FS & the printer reads code page 437: {text}"
    );
    assert_eq!(
        text.chars().count(),
        8,
        "each GB18030 byte prints as one character: {text}"
    );
}

#[test]
fn text_left_uncut_prints_at_the_end_without_a_cut() {
    let stream = [INIT, CHINESE_ON, &gb("测试"), LF, &gb("未切")].concat();
    let printed = decode(&stream);
    assert_eq!(printed.len(), 1);
    assert_eq!(printed[0].text(), "测试\n未切");
    assert!(!printed[0].cut);
}

#[test]
fn print_mode_and_size_set_bold_and_multipliers() {
    // ESC ! 0x38: bold, double height, double width; GS ! 0x21: 3 wide, 2 high.
    let stream = [INIT, b"\x1b!\x38big\n\x1b!\x00\x1d!\x21wide\n", CUT].concat();
    let lines = &decode(&stream)[0].lines;
    assert_eq!(lines[0], line("big", true, 2, Align::Left));
    assert_eq!((lines[1].width, lines[1].height, lines[1].bold), (3, 2, false));
}

#[test]
fn unknown_commands_are_notes_not_failures() {
    let stream = [INIT, b"\x1b\x7fx\x1dk\x04123\x00ok\n\x1b-\x01\x1dB\x01u\n", CUT].concat();
    let printed = decode(&stream);
    assert_eq!(printed[0].notes, ["ESC 0x7F", "barcode 4: 123"]);
    assert_eq!(
        printed[0].text(),
        "xok\nu",
        "underline and reverse are known and print nothing"
    );
}

#[test]
fn a_stream_cut_inside_a_command_keeps_what_came_before() {
    let stream = [INIT, b"done\n", b"\x1d(k\x05"].concat();
    let printed = decode(&stream);
    assert_eq!(printed[0].text(), "done");
    assert_eq!(printed[0].notes.len(), 1, "{:?}", printed[0].notes);
}
