//! The one error type of the desktop core. The window never sees this text directly: actions
//! reach the UI as [`crate::ActionError`] `{code, message}`, and the rest becomes a status line.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The pairing input is not a server address plus a store credential.
    #[error("配对信息无效：{0}")]
    Pairing(String),
    #[error("cannot read or write {path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("HTTP: {0}")]
    Http(#[from] reqwest::Error),
    /// The server answered an action with an error body.
    #[error("server refused ({status}): {code}")]
    Refused { status: u16, code: String, message: String },
    #[error("stream: {0}")]
    Stream(String),
    /// No audio output device, or a clip that will not decode.
    #[error("声音设备不可用：{0}")]
    Audio(String),
    /// No notification server on the session bus.
    #[error("系统通知不可用：{0}")]
    Notification(String),
    /// The desk's background task has stopped (the app is shutting down).
    #[error("the desk has stopped")]
    Stopped,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn file(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::File { path, source }
    }
}
