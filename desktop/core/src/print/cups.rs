//! System printers: raw ESC/POS bytes to a CUPS queue with `lp -o raw`.
//!
//! A USB thermal printer reaches the app as a CUPS queue set up without a driver (a raw queue),
//! so the bytes the app lays out go to the printer unchanged. `lp` only hands a job to the
//! scheduler: a queue that CUPS has paused (it does so when the printer was unplugged or off)
//! would keep the job and print it whenever the printer comes back, while the app's own queue
//! would still count it as not printed and send it again. So a paused queue is asked about with
//! `lpstat -p` first, and reported like a printer that is off, before anything is handed over.
//! The scheduler is the one in `CUPS_SERVER` (tests point it at their own cupsd), else the
//! machine's.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use super::PrintFailure;

/// A scheduler that does not answer within this is treated as not running.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Print `bytes` on the CUPS queue `queue`, through the scheduler the environment names.
/// `Ok` once the scheduler accepted the job for a printer that is enabled.
pub async fn send(queue: &str, bytes: &[u8]) -> Result<(), PrintFailure> {
    send_to(None, queue, bytes).await
}

/// As [`send`], through the scheduler at `server` (`host:port` or a socket path) when given.
pub async fn send_to(server: Option<&str>, queue: &str, bytes: &[u8]) -> Result<(), PrintFailure> {
    if !valid_queue_name(queue) {
        return Err(PrintFailure::Failed(format!(
            "系统打印机的队列名称“{queue}”无效，请在 设置 → 打印机 中改正"
        )));
    }
    let cups = Scheduler { server };
    let state = cups.run("lpstat", &["-p", queue], None).await?;
    if !state.ok {
        return Err(cups.missing(queue, &state.stderr).await);
    }
    if state.stdout.contains(" disabled since") {
        return Err(PrintFailure::Unreachable(format!(
            "系统打印机“{queue}”已暂停，请检查打印机的电源和数据线，再在系统的打印设置中恢复它"
        )));
    }
    let submitted = cups.run("lp", &["-d", queue, "-o", "raw"], Some(bytes)).await?;
    if submitted.ok {
        return Ok(());
    }
    tracing::warn!(queue, stderr = %submitted.stderr, "lp refused the job");
    if submitted.stderr.contains("not accepting") {
        return Err(PrintFailure::Unreachable(format!(
            "系统打印机“{queue}”不接收新任务，请在系统的打印设置中让它接收任务"
        )));
    }
    if !cups.running().await? {
        return Err(not_running());
    }
    Err(PrintFailure::Failed(format!(
        "系统打印机“{queue}”没有收下这次打印，请在系统的打印设置中查看这台打印机"
    )))
}

/// What `lpadmin` accepts as a name (no spaces, controls, `/ \ ? ' " #`), and not starting
/// with `-`, which `lpstat` would read as an option.
fn valid_queue_name(queue: &str) -> bool {
    !queue.is_empty()
        && !queue.starts_with('-')
        && queue
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !"/\\?'\"#".contains(c))
}

fn not_running() -> PrintFailure {
    PrintFailure::Unreachable("系统打印服务（CUPS）没有运行，请启动打印服务后再试".to_owned())
}

struct Scheduler<'a> {
    server: Option<&'a str>,
}

struct Finished {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Scheduler<'_> {
    /// `lpstat -p` fails alike for a queue that does not exist and for a scheduler that is not
    /// there (CUPS then knows no queue at all): `lpstat -r` tells them apart.
    async fn missing(&self, queue: &str, stderr: &str) -> PrintFailure {
        match self.running().await {
            Ok(true) => {
                tracing::warn!(queue, stderr, "no such CUPS queue");
                PrintFailure::Failed(format!("找不到系统打印机“{queue}”，请在 设置 → 打印机 中核对队列名称"))
            }
            Ok(false) => not_running(),
            Err(failure) => failure,
        }
    }

    async fn running(&self) -> Result<bool, PrintFailure> {
        let answer = self.run("lpstat", &["-r"], None).await?;
        Ok(answer.stdout.contains("scheduler is running"))
    }

    /// Runs a CUPS command in the C locale (its answers are matched as text), feeding `input`
    /// on its standard input.
    async fn run(&self, program: &str, args: &[&str], input: Option<&[u8]>) -> Result<Finished, PrintFailure> {
        let mut command = Command::new(program);
        command
            .args(args)
            .env("LC_ALL", "C")
            .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(server) = self.server {
            command.env("CUPS_SERVER", server);
        }
        let mut child = command.spawn().map_err(|e| {
            tracing::warn!(program, error = %e, "cannot start the CUPS command");
            PrintFailure::Failed("这台电脑没有安装系统打印服务（CUPS）的命令，请先安装它".to_owned())
        })?;
        let finished = async {
            if let (Some(mut stdin), Some(bytes)) = (child.stdin.take(), input) {
                // lp may exit without reading (no such queue): its exit status says why.
                let _ = stdin.write_all(bytes).await;
            }
            child.wait_with_output().await
        };
        match tokio::time::timeout(COMMAND_TIMEOUT, finished).await {
            Ok(Ok(output)) => Ok(Finished {
                ok: output.status.success(),
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            }),
            Ok(Err(e)) => {
                tracing::warn!(program, error = %e, "the CUPS command failed");
                Err(PrintFailure::Failed(
                    "系统打印服务（CUPS）的命令出错，请重试".to_owned(),
                ))
            }
            Err(_) => Err(PrintFailure::Unreachable(
                "系统打印服务（CUPS）没有响应，请检查打印服务".to_owned(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_names_that_lpstat_would_misread_are_refused() {
        assert!(valid_queue_name("kitchen-58"));
        assert!(valid_queue_name("EPSON_TM-T82"));
        assert!(valid_queue_name("厨房"));
        for bad in ["", "-p", "a b", "a/b", "a#b", "a\\b", "a'b"] {
            assert!(!valid_queue_name(bad), "{bad:?} must be refused");
        }
    }
}
