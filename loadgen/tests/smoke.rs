//! The load generator end to end, tiny: every target (Orderbell's binary embedded and as two
//! instances on PostgreSQL + Redis, nginx + nchan), SSE and WebSocket, cart changes and payments.
//! It fails when a delivery is missing or doubled or a connection fails (`--check`); it asserts
//! nothing about time.

use std::process::Command;

/// Runs the smoke size on `targets` and returns what it printed; fails unless every row is whole.
fn tiny_run(targets: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_orderbell-loadgen"))
        .args(["--size", "smoke", "--check", "--targets", targets, "--orderbell-bin"])
        .arg(orderbell_tests::binary())
        .output()
        .expect("the load generator runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "every subscriber gets every trigger once on {targets}:\n{stdout}\n{stderr}"
    );
    stdout
}

fn assert_reported(stdout: &str, rows: &[(&str, &str, &str)]) {
    for (scenario, target, transport) in rows {
        let reported = stdout.lines().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.first() == Some(scenario) && words.contains(target) && words.contains(transport)
        });
        assert!(
            reported,
            "the run reports {scenario} on {target} over {transport}:\n{stdout}"
        );
    }
}

#[test]
fn a_tiny_run_delivers_everything_once_on_both_servers() {
    let stdout = tiny_run("orderbell,nchan");
    assert_reported(
        &stdout,
        &[
            ("fan-out", "orderbell", "sse"),
            ("fan-out", "nchan", "ws"),
            ("store", "orderbell", "ws"),
        ],
    );
}

/// The run starts its own PostgreSQL and Redis (scripts/test installs them with the scale-out
/// packages); each table's triggers go to the other instance, so every delivery crosses Redis.
#[test]
fn a_tiny_run_across_two_instances_delivers_everything_once() {
    let stdout = tiny_run("orderbell-cluster");
    assert_reported(
        &stdout,
        &[
            ("fan-out", "orderbell-cluster", "sse"),
            ("fan-out", "orderbell-cluster", "ws"),
            ("store", "orderbell-cluster", "sse"),
            ("store", "orderbell-cluster", "ws"),
        ],
    );
}
