//! Printing against the real server and the fake network printer (which decodes the ESC/POS it
//! receives): a paid order prints one kitchen ticket; 饮品 go to the bar's printer; a printer
//! that is off raises the banner and the voice and prints its queue once when it is back, also
//! after an app restart; a printer prints for the one device that owns it.

use orderbell_desktop_core::notify::NoteKind;
use orderbell_desktop_core::view::ConnectionState;
use orderbell_desktop_core::voice::Cue;
use orderbell_desktop_core::{DeskView, Effect};
use orderbell_fakeprinter::{FakePrinter, Printed, render_png};
use orderbell_shared::MenuDTO;
use orderbell_shared::access::{NewDevice, Role};
use orderbell_shared::order::SubmittedOrder;
use orderbell_shared::printing::PrinterDTO;
use orderbell_tests::TestServer;
use serde_json::json;

use crate::App;

/// `token`'s device adds the fake printer; categories routed to it, if any.
async fn add_printer(
    server: &TestServer,
    token: &str,
    name: &str,
    fake: &FakePrinter,
    categories: &[i64],
) -> PrinterDTO {
    let body = json!({
        "name": name,
        "role": if categories.is_empty() { "kitchen" } else { "bar" },
        "connection": {"kind": "network", "host": "127.0.0.1", "port": fake.addr().port()},
        "paper": "mm80",
        "categoryIds": categories,
    });
    let response = server.post("/api/stores/1/printers", token, body).await;
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, 201, "the printer is added: {text}");
    serde_json::from_str(&text).expect("a printer")
}

/// A diner at `table` orders `dishes` (id, quantity, remark) and pays; the payment has landed.
async fn paid_with(server: &TestServer, table: i64, dishes: &[(i64, u32, &str)]) {
    let diner = server.join(table, None).await;
    for (dish, quantity, remark) in dishes {
        let mut body = json!({"tableId": table, "cuisineId": dish, "quantity": quantity});
        if !remark.is_empty() {
            body["remark"] = json!(remark);
        }
        assert_eq!(server.add(&diner.token, body).await.status(), 200);
    }
    let body = json!({"tableId": table, "idempotencyKey": format!("print-{table}")});
    let response = server.post("/api/orders", &diner.token, body).await;
    assert_eq!(response.status(), 201, "the order is taken");
    let order: SubmittedOrder = response.json().await.expect("order");
    // Landed before the next order pays: payments land in the order they were made.
    server.pay_landed(&order).await;
}

/// The ticket's lines as printed, blank ones left out.
fn lines(ticket: &Printed) -> Vec<String> {
    ticket
        .lines
        .iter()
        .map(|l| l.text.trim_end().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

/// The line of dish `name`: the name, then spaces, then the quantity.
fn dish_line<'a>(ticket: &'a [String], name: &str) -> Option<&'a str> {
    ticket.iter().map(String::as_str).find(|l| l.starts_with(name))
}

/// The effects up to the voice's warning about printer `printer_id`, and what it said.
async fn trouble_said(app: &mut App, printer_id: i64) -> (Vec<Effect>, String) {
    let effects = app
        .effects_until(|e| matches!(e, Effect::Speak(plan) if plan.cue == Cue::Printer { printer_id }))
        .await;
    let Some(Effect::Speak(plan)) = effects.last() else {
        unreachable!("effects_until ends on the speech")
    };
    let said = plan.text.clone();
    (effects, said)
}

async fn with_printers(app: &App, n: usize) -> DeskView {
    app.until(|v| v.connection.state == ConnectionState::Live && v.printers.len() == n)
        .await
}

#[tokio::test]
async fn a_paid_order_prints_one_kitchen_ticket_with_its_lines_and_remarks() {
    let server = TestServer::start().await;
    let fake = FakePrinter::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    add_printer(&server, &server.merchant, "厨房打印机", &fake, &[]).await;
    with_printers(&app, 1).await;

    paid_with(&server, 3, &[(1001, 2, "少辣"), (1009, 1, "")]).await;
    assert_eq!(app.notified().await.summary, "新订单 A03号桌");
    let printed = fake.wait_printed(1).await;
    assert_eq!(printed.len(), 1, "one ticket: {printed:?}");
    let ticket = &printed[0];
    assert!(ticket.cut, "the ticket is cut");
    let text = lines(ticket);
    assert!(text.contains(&"桌号 A03".to_owned()), "{text:?}");
    assert!(
        text.contains(&"新单".to_owned()) || text.iter().any(|l| l.starts_with("新单")),
        "{text:?}"
    );
    let chicken = dish_line(&text, "宫保鸡丁").expect("the dish is on the ticket");
    assert!(chicken.ends_with("×2"), "{chicken}");
    let rice = dish_line(&text, "米饭").expect("the rice is on the ticket");
    assert!(rice.ends_with("×1"), "{rice}");
    let remark = text
        .iter()
        .position(|l| l == "备注：少辣")
        .expect("the remark is printed");
    let chicken_at = text.iter().position(|l| l.starts_with("宫保鸡丁")).expect("dish");
    assert_eq!(remark, chicken_at + 1, "the remark is under its dish: {text:?}");
    let remark_line = ticket
        .lines
        .iter()
        .find(|l| l.text.trim() == "备注：少辣")
        .expect("remark");
    assert!(remark_line.bold, "the remark stands out");

    // Look at it: written next to the test binaries.
    let png = render_png(ticket, 576).expect("a CJK font is installed");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("kitchen-ticket.png");
    std::fs::write(&path, &png).expect("png written");
    let image = image::load_from_memory(&png).expect("a PNG");
    assert_eq!(image.width(), 576);
}

#[tokio::test]
async fn drinks_go_to_the_bar_printer_and_the_rest_to_the_kitchen() {
    let server = TestServer::start().await;
    let (kitchen, bar) = (FakePrinter::start().await, FakePrinter::start().await);
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let menu: MenuDTO = server
        .get("/api/stores/1/menu", &server.merchant)
        .await
        .json()
        .await
        .expect("menu");
    let drinks = menu
        .categories
        .iter()
        .find(|c| c.name == "饮品")
        .expect("饮品")
        .category_id;
    add_printer(&server, &server.merchant, "厨房打印机", &kitchen, &[]).await;
    add_printer(&server, &server.merchant, "吧台打印机", &bar, &[drinks]).await;
    with_printers(&app, 2).await;

    paid_with(&server, 4, &[(1001, 1, ""), (1011, 2, "少冰")]).await;
    let at_kitchen = kitchen.wait_printed(1).await;
    let at_bar = bar.wait_printed(1).await;
    assert_eq!((at_kitchen.len(), at_bar.len()), (1, 1), "one ticket each");
    let (kitchen_text, bar_text) = (lines(&at_kitchen[0]), lines(&at_bar[0]));
    assert!(dish_line(&kitchen_text, "宫保鸡丁").is_some(), "{kitchen_text:?}");
    assert!(
        dish_line(&kitchen_text, "酸梅汤").is_none(),
        "no drink in the kitchen: {kitchen_text:?}"
    );
    assert!(
        dish_line(&bar_text, "酸梅汤").is_some_and(|l| l.ends_with("×2")),
        "{bar_text:?}"
    );
    assert!(bar_text.contains(&"备注：少冰".to_owned()), "{bar_text:?}");
    assert!(
        dish_line(&bar_text, "宫保鸡丁").is_none(),
        "no dish at the bar: {bar_text:?}"
    );
}

#[tokio::test]
async fn a_printer_that_is_off_is_announced_keeps_its_job_and_prints_it_once_when_back() {
    let server = TestServer::start().await;
    let fake = FakePrinter::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let printer = add_printer(&server, &server.merchant, "厨房打印机", &fake, &[]).await;
    with_printers(&app, 1).await;

    fake.set_online(false);
    paid_with(&server, 5, &[(1002, 1, "")]).await;
    let id = printer.printer_id;
    let (effects, said) = trouble_said(&mut app, id).await;
    let note = effects
        .iter()
        .find_map(|e| match e {
            Effect::Notify(note) if note.kind == NoteKind::Printer { printer_id: id } => Some(note),
            _ => None,
        })
        .expect("the printer's trouble is notified");
    assert_eq!(note.summary, "厨房打印机离线");
    assert_eq!(said, "厨房打印机离线，请检查");
    let view = app
        .until(|v| v.printers.iter().any(|p| !p.online && p.queued == 1))
        .await;
    assert!(view.printers[0].error.is_some(), "the banner says why");

    fake.set_online(true);
    let printed = fake.wait_printed(1).await;
    assert_eq!(printed.len(), 1);
    assert!(dish_line(&lines(&printed[0]), "鱼香肉丝").is_some());
    app.until(|v| v.printers.iter().all(|p| p.online && p.queued == 0))
        .await;
    let withdrawn = app
        .effects_until(|e| matches!(e, Effect::Withdraw(NoteKind::Printer { .. })))
        .await;
    assert!(
        !withdrawn
            .iter()
            .any(|e| matches!(e, Effect::Speak(p) if p.cue == Cue::Printer { printer_id: id })),
        "said once per outage"
    );

    paid_with(&server, 6, &[(1003, 1, "")]).await;
    let printed = fake.wait_printed(2).await;
    assert_eq!(printed.len(), 2, "the queued ticket printed once, then the next");
    assert!(dish_line(&lines(&printed[1]), "麻婆豆腐").is_some());
}

#[tokio::test]
async fn jobs_queued_when_the_app_stops_print_once_after_it_starts_again() {
    let server = TestServer::start().await;
    let fake = FakePrinter::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    add_printer(&server, &server.merchant, "厨房打印机", &fake, &[]).await;
    with_printers(&app, 1).await;
    fake.set_online(false);
    paid_with(&server, 7, &[(1004, 1, "")]).await;
    app.until(|v| v.printers.iter().any(|p| !p.online && p.queued == 1))
        .await;
    app.close().await;

    fake.set_online(true);
    let app = App::merchant(&server, data.path()).await;
    let printed = fake.wait_printed(1).await;
    assert_eq!(printed.len(), 1);
    assert!(dish_line(&lines(&printed[0]), "红烧肉").is_some());
    app.until(|v| v.printers.iter().all(|p| p.online && p.queued == 0))
        .await;
    paid_with(&server, 8, &[(1005, 1, "")]).await;
    let printed = fake.wait_printed(2).await;
    assert_eq!(printed.len(), 2, "the job left by the first run printed once");
    assert!(dish_line(&lines(&printed[1]), "清炒时蔬").is_some());
}

#[tokio::test]
async fn two_devices_and_one_printer_make_one_ticket() {
    let server = TestServer::start().await;
    let fake = FakePrinter::start().await;
    let (owner_data, counter_data) = (tempfile::tempdir().expect("dir"), tempfile::tempdir().expect("dir"));
    let owner = App::merchant(&server, owner_data.path()).await;
    let issued = owner
        .desk
        .setup()
        .issue_device(&NewDevice {
            name: "收银台".into(),
            role: Role::Counter,
        })
        .await
        .expect("a second device");
    let counter = App::open(&server, &issued.credential, counter_data.path()).await;
    add_printer(&server, &issued.credential, "厨房打印机", &fake, &[]).await;
    with_printers(&owner, 0).await;
    with_printers(&counter, 1).await;

    paid_with(&server, 9, &[(1006, 1, "")]).await;
    paid_with(&server, 10, &[(1007, 1, "")]).await;
    let printed = fake.wait_printed(2).await;
    assert_eq!(printed.len(), 2, "one ticket per order, not one per device");
    assert!(dish_line(&lines(&printed[0]), "拍黄瓜").is_some());
    assert!(dish_line(&lines(&printed[1]), "夫妻肺片").is_some());
}

#[tokio::test]
async fn a_printer_out_of_paper_says_so_and_prints_once_paper_is_in() {
    let server = TestServer::start().await;
    let fake = FakePrinter::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let mut app = App::merchant(&server, data.path()).await;
    let printer = add_printer(&server, &server.merchant, "厨房打印机", &fake, &[]).await;
    with_printers(&app, 1).await;

    fake.set_paper_out(true);
    paid_with(&server, 11, &[(1008, 1, "")]).await;
    let id = printer.printer_id;
    let (_, said) = trouble_said(&mut app, id).await;
    assert_eq!(said, "厨房打印机缺纸");
    app.until(|v| v.printers.iter().any(|p| p.paper_out && p.queued == 1))
        .await;
    assert!(fake.printed().is_empty(), "nothing was sent to a printer without paper");

    fake.set_paper_out(false);
    let printed = fake.wait_printed(1).await;
    assert_eq!(printed.len(), 1);
    assert!(dish_line(&lines(&printed[0]), "扬州炒饭").is_some());
    app.until(|v| v.printers.iter().all(|p| !p.paper_out && p.queued == 0))
        .await;
}

#[tokio::test]
async fn a_test_page_prints_on_this_devices_printer_and_only_there() {
    let server = TestServer::start().await;
    let fake = FakePrinter::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let printer = add_printer(&server, &server.merchant, "厨房打印机", &fake, &[]).await;
    with_printers(&app, 1).await;

    app.desk.print_test(printer.printer_id).await.expect("queued");
    let printed = fake.wait_printed(1).await;
    assert_eq!(printed.len(), 1, "one test page: {printed:?}");
    let text = lines(&printed[0]).join("\n");
    assert!(text.contains("打印测试") && text.contains("厨房打印机"), "{text}");
    assert!(printed[0].cut);

    let refused = app.desk.print_test(printer.printer_id + 100).await;
    assert_eq!(
        refused.map_err(|e| e.code),
        Err("not_this_devices_printer".to_owned()),
        "a printer this device does not print to"
    );
}

#[tokio::test]
async fn settling_a_bill_prints_the_customers_receipt_with_the_tables_code_on_the_counters_printer() {
    let server = TestServer::start().await;
    server.pay_later().await;
    let fake = FakePrinter::start().await;
    let data = tempfile::tempdir().expect("data dir");
    let app = App::merchant(&server, data.path()).await;
    let body = json!({
        "name": "前台打印机",
        "role": "counter",
        "connection": {"kind": "network", "host": "127.0.0.1", "port": fake.addr().port()},
        "paper": "mm58",
    });
    assert_eq!(
        server
            .post("/api/stores/1/printers", &server.merchant, body)
            .await
            .status(),
        201
    );
    with_printers(&app, 1).await;

    let diner = server.join(3, None).await;
    let round = crate::floor::round(&server, &diner, &[(1001, 2)], "receipt-1").await;
    let bill_id = round.order.bill_id.expect("a round of the table's bill");
    let owed = round.order.total_amount;
    let settle = json!({"method": "cash", "expectedOwed": owed, "received": owed});
    let response = server
        .post(&format!("/api/bills/{bill_id}/settle"), &server.merchant, settle)
        .await;
    assert_eq!(response.status(), 200, "the counter settles in cash");

    let printed = fake.wait_printed(1).await;
    assert_eq!(
        printed.len(),
        1,
        "one receipt, no kitchen ticket on a counter printer: {printed:?}"
    );
    let text = lines(&printed[0]).join("\n");
    assert!(text.contains("铃声小馆") && text.contains("A03"), "{text}");
    assert!(text.contains("宫保鸡丁") && text.contains(&owed.to_string()), "{text}");
    assert!(text.contains("现金"), "the payment method: {text}");
    let a03 = server.links.iter().find(|l| l.table_id == 3).expect("A03's link");
    assert_eq!(
        printed[0].qr_codes,
        std::slice::from_ref(&a03.url),
        "the receipt's code is the table's own link"
    );
}
