//! `orderbell-fakepay --listen 127.0.0.1:9900 --keys DIR`: the fake providers for a person
//! trying Orderbell's real payment setup (see fakepay/README.md).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use orderbell_fakepay::FakePay;

/// Fake WeChat Pay and Alipay on loopback, for trying Orderbell's production payment setup.
#[derive(Parser)]
struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:9900")]
    listen: SocketAddr,
    /// Where the keys live: made on the first run, reused after.
    #[arg(long, default_value = "fakepay-keys")]
    keys: PathBuf,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    let fake = FakePay::serve(listener, Some(&args.keys)).await?;
    println!("fake WeChat Pay and Alipay on {}", fake.url());
    println!(
        "server settings: {} (e.g. `set -a; . {0}; set +a` before starting orderbell-server)",
        fake.keys().dir.join("orderbell.env").display()
    );
    println!("open trades and their 支付 buttons: {}/", fake.url());
    tokio::signal::ctrl_c().await?;
    fake.shutdown().await;
    Ok(())
}
