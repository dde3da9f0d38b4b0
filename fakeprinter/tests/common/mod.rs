//! Byte streams built by hand from the ESC/POS reference, independent of any app code.

use encoding_rs::GB18030;

pub const INIT: &[u8] = b"\x1b@";
pub const CHINESE_ON: &[u8] = b"\x1c&";
pub const CUT: &[u8] = b"\x1dVB\x00";
pub const LF: &[u8] = b"\n";

pub fn gb(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = GB18030.encode(text);
    assert!(!unmappable, "GB18030 encodes every Chinese character");
    bytes.into_owned()
}

pub fn align(n: u8) -> Vec<u8> {
    vec![0x1b, b'a', n]
}

pub fn bold(on: bool) -> Vec<u8> {
    vec![0x1b, b'E', u8::from(on)]
}

/// `GS ! n`: width multiplier `w`, height multiplier `h`.
pub fn size(w: u8, h: u8) -> Vec<u8> {
    vec![0x1d, b'!', (w - 1) << 4 | (h - 1)]
}

/// `GS ( k pL pH cn fn params`.
fn qr_function(function: u8, params: &[u8]) -> Vec<u8> {
    let len = u16::try_from(params.len() + 2).expect("a short QR parameter");
    let [pl, ph] = len.to_le_bytes();
    let mut bytes = vec![0x1d, b'(', b'k', pl, ph, 49, function];
    bytes.extend_from_slice(params);
    bytes
}

/// Model 2, `module` dots per module, error correction M, store `data`, print.
pub fn qr(data: &str, module: u8) -> Vec<u8> {
    let mut store = vec![48];
    store.extend_from_slice(data.as_bytes());
    [
        qr_function(65, &[50, 0]),
        qr_function(67, &[module]),
        qr_function(69, &[49]),
        qr_function(80, &store),
        qr_function(81, &[48]),
    ]
    .concat()
}

/// A kitchen ticket as the app sends it: big table number, a dish with its quantity, a bold
/// remark, a centred QR code, two lines fed, cut.
pub fn kitchen_ticket(table: &str, link: &str) -> Vec<u8> {
    [
        INIT.to_vec(),
        CHINESE_ON.to_vec(),
        align(1),
        size(2, 2),
        bold(true),
        gb(&format!("{table}号桌")),
        LF.to_vec(),
        size(1, 1),
        bold(false),
        align(0),
        gb("宫保鸡丁 ×2"),
        LF.to_vec(),
        bold(true),
        gb("  备注：不要辣"),
        LF.to_vec(),
        bold(false),
        align(1),
        qr(link, 6),
        b"\x1bd\x02".to_vec(),
        CUT.to_vec(),
    ]
    .concat()
}
