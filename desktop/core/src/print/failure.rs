//! Why a printer did not take a job: one answer for every way of reaching it (TCP, CUPS).

/// Why a printer did not take a job. The text is for the banner.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PrintFailure {
    /// Off, unplugged, wrong address.
    #[error("连不上打印机：{0}")]
    Unreachable(String),
    #[error("打印机缺纸")]
    PaperOut,
    #[error("打印机盖未合上")]
    CoverOpen,
    #[error("打印失败：{0}")]
    Failed(String),
}
