//! Photos the server keeps: checked to be images, stored under the data dir by the hash of their
//! bytes (so a URL never changes meaning, and browsers may cache it for good), each with a small
//! thumbnail, and served from `/media/{name}`. The menu's dish photos use it; so can a logo.

pub mod image;

use std::path::PathBuf;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{Error, Result};
use crate::extract::Path;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(serve))
}

/// Where the photos live: `<data dir>/media`.
pub struct Media {
    dir: PathBuf,
}

/// The URL a stored photo is served at.
pub fn url(name: &str) -> String {
    format!("/media/{name}")
}

/// The URL of a stored photo's thumbnail.
pub fn thumbnail_url(name: &str) -> String {
    let stem = name.split('.').next().unwrap_or(name);
    format!("/media/{stem}.thumb.jpg")
}

impl Media {
    pub fn new(data_dir: &std::path::Path) -> Self {
        Media {
            dir: data_dir.join("media"),
        }
    }

    /// Check and keep a photo with its thumbnail; its stored name (`<hash>.<ext>`).
    pub async fn store(&self, bytes: Vec<u8>) -> Result<String> {
        let (photo, bytes) = tokio::task::spawn_blocking(move || image::check(&bytes).map(|p| (p, bytes)))
            .await
            .map_err(|e| Error::Io(std::io::Error::other(e)))??;
        let hash = Sha256::digest(&bytes);
        let stem: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let name = format!("{stem}.{}", photo.extension);
        tokio::fs::create_dir_all(&self.dir).await?;
        self.write(&format!("{stem}.thumb.jpg"), &photo.thumbnail).await?;
        self.write(&name, &bytes).await?;
        Ok(name)
    }

    /// Whether a photo of this name is stored (an imported menu may name only those).
    pub async fn has(&self, name: &str) -> bool {
        valid_name(name) && tokio::fs::try_exists(self.dir.join(name)).await.unwrap_or(false)
    }

    /// Write whole or not at all: a file is only ever seen complete under its name.
    async fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(name);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(());
        }
        let partial = self.dir.join(format!(".{name}.{}", rand::random::<u64>()));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &path).await?;
        Ok(())
    }
}

/// `<32 hex>.<jpg|png|webp>` or `<32 hex>.thumb.jpg`: nothing else is ever looked up on disk.
fn valid_name(name: &str) -> bool {
    let Some((stem, extension)) = name.split_once('.') else {
        return false;
    };
    stem.len() == 32
        && stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(extension, "jpg" | "png" | "webp" | "thumb.jpg")
}

fn content_type(name: &str) -> &'static str {
    if name.ends_with(".png") {
        "image/png"
    } else if name.ends_with(".webp") {
        "image/webp"
    } else {
        "image/jpeg"
    }
}

/// Read an upload of at most `limit` bytes. A larger one is read on (up to a bound) before it
/// is refused, so that the client, still sending, hears why instead of a reset connection.
pub async fn read_upload(body: Body, limit: usize, too_large: impl Fn() -> Error) -> Result<Vec<u8>> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Error::invalid("invalid_body", "没能读完上传的内容，请重试"))?;
        total += chunk.len();
        if total <= limit {
            bytes.extend_from_slice(&chunk);
        } else if total > 4 * limit {
            break;
        }
    }
    if total > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

#[utoipa::path(get, path = "/media/{name}", tag = "menu",
    summary = "照片与缩略图（公开），按内容寻址、长期缓存",
    params(("name" = String, Path, description = "文件名（内容的散列）")),
    responses((status = 200, content_type = "image/jpeg", description = "图片"), (status = 404, body = orderbell_shared::ErrorBody, description = "photo_not_found")),
    security(())
)]
async fn serve(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    let missing = || Error::BadRequest {
        status: StatusCode::NOT_FOUND,
        code: "photo_not_found",
        message: "没有这张图片".into(),
    };
    if !valid_name(&name) {
        return Err(missing());
    }
    let bytes = match tokio::fs::read(state.media.dir.join(&name)).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
        Err(e) => return Err(e.into()),
    };
    let headers = [
        (CONTENT_TYPE, HeaderValue::from_static(content_type(&name))),
        // The name is the content's hash: what it names never changes.
        (
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ];
    Ok((headers, bytes).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stored_names_are_looked_up() {
        assert!(valid_name("0123456789abcdef0123456789abcdef.jpg"));
        assert!(valid_name("0123456789abcdef0123456789abcdef.thumb.jpg"));
        for bad in [
            "../orderbell.db",
            "0123456789abcdef0123456789abcdef.db",
            "0123456789ABCDEF0123456789abcdef.jpg",
            "abc.jpg",
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
        assert_eq!(
            thumbnail_url("0123456789abcdef0123456789abcdef.png"),
            "/media/0123456789abcdef0123456789abcdef.thumb.jpg"
        );
    }
}
