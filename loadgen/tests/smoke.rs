//! The load generator end to end, tiny: both servers (Orderbell's binary, nginx + nchan), SSE
//! and WebSocket, cart changes and payments. It fails when a delivery is missing or doubled or
//! a connection fails (`--check`); it asserts nothing about time.

use std::process::Command;

#[test]
fn a_tiny_run_delivers_everything_once_on_both_servers() {
    let output = Command::new(env!("CARGO_BIN_EXE_orderbell-loadgen"))
        .args(["--size", "smoke", "--check", "--orderbell-bin"])
        .arg(orderbell_tests::binary())
        .output()
        .expect("the load generator runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "every subscriber gets every trigger once on both servers:\n{stdout}\n{stderr}"
    );
    for (scenario, target, transport) in [
        ("fan-out", "orderbell", "sse"),
        ("fan-out", "nchan", "ws"),
        ("store", "orderbell", "ws"),
    ] {
        let reported = stdout.lines().any(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            words.first() == Some(&scenario) && words.contains(&target) && words.contains(&transport)
        });
        assert!(
            reported,
            "the run reports {scenario} on {target} over {transport}:\n{stdout}"
        );
    }
}
