//! `orderbell-fakeprinter --listen 127.0.0.1:9100 --out DIR`: a network thermal printer for a
//! person trying Orderbell's printing (see fakeprinter/README.md). Each ticket it prints is
//! written to DIR as a PNG (what the paper would look like) and a text file.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use orderbell_fakeprinter::{FakePrinter, Printed, render_png};

/// A fake ESC/POS network printer on loopback.
#[derive(Parser)]
struct Args {
    /// Where to listen (network printers take raw ESC/POS on port 9100).
    #[arg(long, default_value = "127.0.0.1:9100")]
    listen: SocketAddr,
    /// Where each printed ticket is written (ticket-0001.png, ticket-0001.txt, ...).
    #[arg(long, default_value = "fakeprinter-out")]
    out: PathBuf,
    /// The paper's printable width in dots: 576 for 80 mm paper, 384 for 58 mm.
    #[arg(long, default_value_t = 576)]
    dots: u32,
    /// Start out of paper: status says so and nothing is printed.
    #[arg(long)]
    paper_out: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let printer = FakePrinter::bind(args.listen).await?;
    printer.set_paper_out(args.paper_out);
    println!(
        "fake ESC/POS printer on {}, tickets into {}",
        printer.addr(),
        args.out.display()
    );
    // Numbering goes on from an earlier run's tickets (a printer "unplugged" and back).
    let earlier = std::fs::read_dir(&args.out)?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("ticket-") && name.ends_with(".png"))
        .count();
    let mut seen = 0;
    loop {
        tokio::select! {
            printed = printer.wait_printed_for(seen + 1, Duration::from_secs(3600)) => {
                for ticket in printed.iter().skip(seen) {
                    seen += 1;
                    write(&args, earlier + seen, ticket)?;
                }
            }
            stop = tokio::signal::ctrl_c() => return stop,
        }
    }
}

fn write(args: &Args, number: usize, ticket: &Printed) -> std::io::Result<()> {
    let stem = args.out.join(format!("ticket-{number:04}"));
    let png = stem.with_extension("png");
    std::fs::write(&png, render_png(ticket, args.dots)?)?;
    let mut text = ticket.text();
    for qr in &ticket.qr_codes {
        text.push_str(&format!("\n[QR] {qr}"));
    }
    for note in &ticket.notes {
        text.push_str(&format!("\n[note] {note}"));
    }
    std::fs::write(stem.with_extension("txt"), text + "\n")?;
    let first = ticket
        .lines
        .iter()
        .map(|l| l.text.trim())
        .find(|t| !t.is_empty())
        .unwrap_or("");
    let cut = if ticket.cut { "cut" } else { "not cut" };
    println!(
        "ticket {number}: {} lines, {cut}, 「{first}」 → {}",
        ticket.lines.len(),
        png.display()
    );
    Ok(())
}
