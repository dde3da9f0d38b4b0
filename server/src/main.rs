//! The `orderbell` command: `serve` (the default), `links`, `credential`, `store create`, `qr` or
//! `backup`.

use std::process::ExitCode;

use clap::Parser;
use orderbell_server::auth::Role;
use orderbell_server::config::{Cli, Command, StoreCommand};
use orderbell_server::{App, Result, TableLink, logs};

/// jemalloc, whose background threads give freed memory back to the system: glibc's allocator
/// kept the buffers of 19,000 closed connections (~340 MiB) for good.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    logs::init(cli.config.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "orderbell stopped");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let mut config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Links { store } => {
            let links = App::open(&config).await?.table_links().await?;
            print_links(
                &links
                    .into_iter()
                    .filter(|l| store.is_none_or(|s| s == l.store_id))
                    .collect::<Vec<_>>(),
            );
        }
        Command::Qr { store, out } => {
            std::fs::create_dir_all(&out)?;
            for file in App::open(&config).await?.qr_files(store).await? {
                let path = out.join(&file.name);
                std::fs::write(&path, &file.bytes)?;
                println!("{}", path.display());
            }
        }
        Command::Credential { operator: true, .. } => {
            println!("{}", App::open(&config).await?.operator_credential().await?)
        }
        Command::Credential { store, role, name, .. } => {
            let app = App::open(&config).await?;
            println!("{}", app.credential(store, role, name.as_deref()).await?);
        }
        Command::Store {
            command: StoreCommand::Create { name },
        } => {
            let created = App::open(&config).await?.create_store(&name).await?;
            println!("store\t{}\t{}", created.store_id, created.name);
            println!("owner\t{}", created.owner.credential);
            println!("Owner's desktop app pairing link: {}", created.owner.pairing_link);
        }
        Command::Backup { file } => {
            orderbell_server::backup(&config, &file).await?;
            println!("{}", file.display());
        }
        Command::Serve => {
            let listener = orderbell_server::net::bind(config.listen)?;
            // With `--listen …:0` the links must name the port actually bound.
            config.listen = listener.local_addr()?;
            let app = App::open(&config).await?;
            tracing::info!(address = %config.listen, "orderbell is listening");
            println!("Table links (open one on a phone, or use its token with curl):");
            let links = app.table_links().await?;
            print_links(&links);
            if let Some(store) = links.first().map(|l| l.store_id) {
                println!("Store {store} credentials (`orderbell credential --role owner|kitchen` prints them again):");
                let owner = app.credential(store, Role::Owner, None).await?;
                println!("owner\t{owner}");
                let kitchen = app.credential(store, Role::Kitchen, None).await?;
                println!("kitchen\t{kitchen}");
                println!("Kitchen board: {}/kitchen?token={kitchen}", config.public_url());
                println!("Owner's desktop app pairing link: {}", app.pairing_link(&owner));
            }
            app.serve(listener, shutdown_signal()).await?;
            tracing::info!("orderbell stopped cleanly");
        }
    }
    Ok(())
}

fn print_links(links: &[TableLink]) {
    for link in links {
        println!("{}\t{}", link.table_number, link.url);
    }
}

/// Ctrl-C or SIGTERM (what systemd and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
