//! Text measured in printer columns. In Chinese mode a thermal printer prints an ASCII character
//! in one column (12 dots of the standard font) and any other character, encoded in two or four
//! GB18030 bytes, in a full-width cell of two columns. Lines must be cut by that count, never in
//! the middle of a character, or the printer wraps on its own and the layout falls apart.

/// Columns `c` takes on paper.
pub fn char_columns(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// Columns `text` takes on paper.
pub fn columns(text: &str) -> usize {
    text.chars().map(char_columns).sum()
}

/// What a person typed, made safe to print: control characters (a line break in a remark, or an
/// `ESC` that would be read as a command) become spaces.
pub fn printable(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// `text` cut into lines of at most `width` columns, whole characters only. A run of ASCII
/// letters or digits (an English word, a phone number) moves to the next line whole when it fits
/// there; Chinese may break between any two characters.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in words(text) {
        let word_columns = columns(word);
        if used + word_columns <= width {
            line.push_str(word);
            used += word_columns;
            continue;
        }
        if word_columns <= width && used > 0 {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            used = 0;
        }
        for c in word.chars() {
            let c_columns = char_columns(c);
            if used + c_columns > width {
                lines.push(std::mem::take(&mut line).trim_end().to_string());
                used = 0;
            }
            if used == 0 && c == ' ' {
                continue;
            }
            line.push(c);
            used += c_columns;
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// `text` split into pieces that stay together: runs of ASCII alphanumerics, and every other
/// character on its own.
fn words(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (at, c) in text.char_indices() {
        let word_char = c.is_ascii_alphanumeric();
        if at > start && !(in_word && word_char) {
            pieces.push(&text[start..at]);
            start = at;
        }
        in_word = word_char;
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    pieces
}

/// `left` and `right` on one line of `width` columns, `right` against the right edge: a dish and
/// its quantity or price. A long `left` wraps over the full width, and `right` ends its last line,
/// or stands on a line of its own when that line has no room left.
pub fn row(left: &str, right: &str, width: usize) -> Vec<String> {
    let right_columns = columns(right);
    let mut lines = wrap(left, width);
    let last = lines.pop().unwrap_or_default();
    let last_columns = columns(&last);
    if last_columns + 1 + right_columns <= width {
        lines.push(format!(
            "{last}{}{right}",
            " ".repeat(width - last_columns - right_columns)
        ));
    } else {
        lines.push(last);
        lines.push(format!("{}{right}", " ".repeat(width.saturating_sub(right_columns))));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "宫保鸡丁 (Kung Pao Chicken) 加辣 extra spicy，不要花生米 123456789 再来一份米饭";

    #[test]
    fn a_chinese_character_takes_two_columns() {
        assert_eq!(columns("宫保鸡丁"), 8);
        assert_eq!(columns("A12"), 3);
        assert_eq!(columns("×2"), 3);
    }

    #[test]
    fn wrapping_at_32_and_48_columns_never_splits_a_character_nor_overflows() {
        for width in [32, 48, 16, 24, 7] {
            let lines = wrap(MIXED, width);
            for line in &lines {
                assert!(columns(line) <= width, "{line:?} is wider than {width} columns");
            }
            // Only spaces are dropped at the line breaks: every character is printed, whole.
            let printed: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let given: String = MIXED.chars().filter(|c| *c != ' ').collect();
            assert_eq!(printed, given, "at {width} columns");
        }
    }

    #[test]
    fn a_full_line_of_chinese_fills_the_paper_and_an_odd_column_stays_empty() {
        let text = "一二三四五六七八九十一二三四五六七";
        assert_eq!(wrap(text, 32), ["一二三四五六七八九十一二三四五六", "七"]);
        // 33 columns: the 17th character would need columns 33-34, so it goes below.
        assert_eq!(wrap(text, 33)[0], "一二三四五六七八九十一二三四五六");
    }

    #[test]
    fn an_english_word_moves_to_the_next_line_whole() {
        assert_eq!(wrap("不要葱 no onions", 10), ["不要葱 no", "onions"]);
    }

    #[test]
    fn a_price_sits_against_the_right_edge() {
        assert_eq!(row("宫保鸡丁 ×2", "76.00", 20), ["宫保鸡丁 ×2   76.00"]);
        let long = row("招牌香辣蟹配手工面条大份", "128.00", 20);
        for line in &long {
            assert_eq!(columns(line).max(20), 20, "{line:?}");
        }
        assert!(long.last().is_some_and(|l| l.ends_with("128.00") && columns(l) == 20));
    }

    #[test]
    fn control_characters_typed_in_a_remark_are_not_commands() {
        assert_eq!(printable("少辣\n\u{1b}@不要葱"), "少辣  @不要葱");
    }
}
