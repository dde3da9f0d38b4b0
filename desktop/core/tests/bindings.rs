//! The web UI's TypeScript types are generated from the Rust types it receives, and committed
//! under `src-ui/bindings/`. This test fails when they are stale; to refresh them, run it with
//! `ORDERBELL_WRITE_BINDINGS=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use orderbell_desktop_core::link::PairingOffer;
use orderbell_desktop_core::{Action, ActionError, DeskView, StoreReport};
use orderbell_shared::access::{IssuedDevice, NewDevice};
use orderbell_shared::bills::{BillDTO, FloorDTO, ReturnRequest, SettleRequest};
use orderbell_shared::menu::{DishInput, MenuDTO};
use orderbell_shared::printing::{PrinterChange, PrinterDTO};
use orderbell_shared::reports::{DaySummary, HistoryPage, HistoryQuery};
use orderbell_shared::store::{StoreDTO, StoreSettingsPatch};
use orderbell_shared::tables::{NewTable, StoreTablesDTO, TableChange};
use ts_rs::{Config, TS};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src-ui/bindings")
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") {
            found.insert(name, std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    found
}

#[test]
fn the_ui_types_match_the_rust_types() {
    let fresh = tempfile::tempdir().expect("temp dir");
    // JSON numbers, not BigInt: ids and times are far below 2^53.
    let config = Config::new().with_large_int("number").with_out_dir(fresh.path());
    DeskView::export_all(&config).expect("export DeskView");
    Action::export_all(&config).expect("export Action");
    ActionError::export_all(&config).expect("export ActionError");
    PairingOffer::export_all(&config).expect("export PairingOffer");
    StoreReport::export_all(&config).expect("export StoreReport");
    StoreTablesDTO::export_all(&config).expect("export StoreTablesDTO");
    NewTable::export_all(&config).expect("export NewTable");
    TableChange::export_all(&config).expect("export TableChange");
    NewDevice::export_all(&config).expect("export NewDevice");
    IssuedDevice::export_all(&config).expect("export IssuedDevice");
    MenuDTO::export_all(&config).expect("export MenuDTO");
    DishInput::export_all(&config).expect("export DishInput");
    StoreDTO::export_all(&config).expect("export StoreDTO");
    StoreSettingsPatch::export_all(&config).expect("export StoreSettingsPatch");
    FloorDTO::export_all(&config).expect("export FloorDTO");
    BillDTO::export_all(&config).expect("export BillDTO");
    SettleRequest::export_all(&config).expect("export SettleRequest");
    ReturnRequest::export_all(&config).expect("export ReturnRequest");
    HistoryQuery::export_all(&config).expect("export HistoryQuery");
    HistoryPage::export_all(&config).expect("export HistoryPage");
    DaySummary::export_all(&config).expect("export DaySummary");
    PrinterDTO::export_all(&config).expect("export PrinterDTO");
    PrinterChange::export_all(&config).expect("export PrinterChange");
    let generated = files(fresh.path());
    assert!(
        generated.contains_key("OrderDTO.ts"),
        "the protocol's order type is exported too"
    );

    if std::env::var_os("ORDERBELL_WRITE_BINDINGS").is_some() {
        let dir = committed_dir();
        std::fs::create_dir_all(&dir).expect("bindings dir");
        for stale in files(&dir).keys() {
            std::fs::remove_file(dir.join(stale)).expect("remove stale binding");
        }
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).expect("write binding");
        }
    }
    assert_eq!(
        files(&committed_dir()),
        generated,
        "src-ui/bindings is stale: run ORDERBELL_WRITE_BINDINGS=1 cargo test -p orderbell-desktop-core --test bindings"
    );
}
