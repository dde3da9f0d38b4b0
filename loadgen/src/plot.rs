//! The two plots, as hand-written SVG (no plotting or font dependency): delivery p99 against
//! subscribers (fan-out) and against the offered rate (open loop), both on a log latency axis.

use std::fmt::Write;

use crate::figures::Row;

const W: f64 = 720.0;
const H: f64 = 440.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;
/// Of each axis's span, left empty at both its ends.
const MARGIN: f64 = 0.06;

struct Series {
    name: String,
    color: &'static str,
    dashed: bool,
    points: Vec<(f64, f64)>,
}

fn series(rows: &[Row], kind: &str, x: fn(&Row) -> Option<f64>) -> Vec<Series> {
    let mut out = Vec::new();
    for (target, color) in [
        ("orderbell", "#d62728"),
        ("orderbell-pg", "#2ca02c"),
        ("orderbell-cluster", "#9467bd"),
        ("nchan", "#1f77b4"),
    ] {
        for transport in ["sse", "ws"] {
            let mut points: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r.kind == kind && r.target == target && r.transport == transport)
                .filter_map(|r| Some((x(r)?, r.latency_ms?.p99.max(0.01))))
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            if !points.is_empty() {
                out.push(Series {
                    name: format!("{target} {}", transport.to_uppercase()),
                    color,
                    dashed: transport == "ws",
                    points,
                });
            }
        }
    }
    out
}

fn plot(title: &str, x_label: &str, log_x: bool, all: &[Series]) -> String {
    let points = all.iter().flat_map(|s| s.points.iter());
    let fx = |v: f64| if log_x { v.log10() } else { v };
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, y) in points {
        x0 = x0.min(fx(*x));
        x1 = x1.max(fx(*x));
        y0 = y0.min(y.log10());
        y1 = y1.max(y.log10());
    }
    if x0 > x1 {
        (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
    }
    let (y0, y1) = (y0.floor(), y1.ceil().max(y0.floor() + 1.0));
    let (x0, x1) = if x1 > x0 { (x0, x1) } else { (x0 - 1.0, x1 + 1.0) };
    // A margin on both axes, so that no point sits on an axis or the plot's edge.
    let (dx, dy) = ((x1 - x0) * MARGIN, (y1 - y0) * MARGIN);
    let (x0, x1, y0, y1) = (x0 - dx, x1 + dx, y0 - dy, y1 + dy);
    let px = |x: f64| LEFT + (fx(x) - x0) / (x1 - x0) * (W - LEFT - RIGHT);
    let py = |y: f64| H - BOTTOM - (y.log10() - y0) / (y1 - y0) * (H - TOP - BOTTOM);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" font-size="15" text-anchor="middle">{title}</text>
<line x1="{LEFT}" y1="{b}" x2="{r}" y2="{b}" stroke="black"/>
<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{b}" stroke="black"/>
<text x="{}" y="{}" text-anchor="middle">{x_label}</text>
<text x="16" y="{}" text-anchor="middle" transform="rotate(-90 16 {})">delivery p99 (ms, log scale)</text>"##,
        (W - RIGHT + LEFT) / 2.0,
        (W - RIGHT + LEFT) / 2.0,
        H - 18.0,
        (H - BOTTOM + TOP) / 2.0,
        (H - BOTTOM + TOP) / 2.0,
        b = H - BOTTOM,
        r = W - RIGHT,
    );
    // Latency gridlines at each power of ten.
    let mut decade = y0.ceil();
    while decade <= y1 {
        let v = 10f64.powf(decade);
        let y = py(v);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            if v < 1.0 { format!("{v}") } else { format!("{v:.0}") }
        );
        decade += 1.0;
    }
    let mut ticks: Vec<f64> = all.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    for x in ticks {
        let _ = writeln!(
            svg,
            r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="black"/><text x="{0:.1}" y="{3}" text-anchor="middle">{x}</text>"##,
            px(x),
            H - BOTTOM,
            H - BOTTOM + 5.0,
            H - BOTTOM + 20.0
        );
    }
    for (i, s) in all.iter().enumerate() {
        let path: Vec<String> = s
            .points
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y)))
            .collect();
        let dash = if s.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
            path.join(" "),
            s.color
        );
        for (x, y) in &s.points {
            svg.push_str(&marker(s, px(*x), py(*y)));
        }
        let ly = TOP + 10.0 + i as f64 * 22.0;
        let lx = W - RIGHT + 20.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{lx}" y1="{ly}" x2="{}" y2="{ly}" stroke="{}" stroke-width="2"{dash}/>{}<text x="{}" y="{}">{}</text>"#,
            lx + 30.0,
            s.color,
            marker(s, lx + 15.0, ly),
            lx + 36.0,
            ly + 4.0,
            s.name
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// A point: a filled circle for SSE, a hollow square for WebSocket (told apart where a series
/// is a single point, without a line).
fn marker(s: &Series, x: f64, y: f64) -> String {
    if s.dashed {
        format!(
            r#"<rect x="{:.1}" y="{:.1}" width="8" height="8" fill="white" stroke="{}" stroke-width="2"/>"#,
            x - 4.0,
            y - 4.0,
            s.color
        )
    } else {
        format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="4" fill="{}"/>"#, s.color)
    }
}

/// The files: `p99-vs-subscribers.svg` and `p99-vs-rate.svg`.
pub fn plots(rows: &[Row]) -> Vec<(&'static str, String)> {
    vec![
        (
            "p99-vs-subscribers.svg",
            plot(
                "Fan-out on one table: delivery p99 against subscribers",
                "subscribers on one table (log scale)",
                true,
                &series(rows, "fanout", |r| Some(r.subscribers as f64)),
            ),
        ),
        (
            "p99-vs-rate.svg",
            plot(
                "Open loop, 4 phones per table: delivery p99 against rate",
                "offered rate (cart changes per second)",
                false,
                &series(rows, "open", |r| r.rate_target),
            ),
        ),
    ]
}
