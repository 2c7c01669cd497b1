//! Item photos as guests download them: named by a hash of the upload, so a name never
//! changes its bytes and browsers keep them for good.

use crate::app::AppState;
use crate::error::AppError;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use order_core::PHOTO_WIDTHS;

pub fn router() -> Router<AppState> {
    Router::new().route("/photos/{photo}/{file}", get(photo))
}

async fn photo(
    State(state): State<AppState>,
    Path((photo, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let not_found = || AppError::NotFound(format!("no photo {photo}/{file}"));
    let width = file
        .strip_suffix(".jpg")
        .and_then(|w| w.parse::<u32>().ok())
        .filter(|w| PHOTO_WIDTHS.contains(w))
        .ok_or_else(not_found)?;
    if !crate::photos::is_photo_id(&photo) {
        return Err(not_found());
    }
    let jpeg = state
        .content
        .photo(&photo, width)
        .await?
        .ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        jpeg,
    )
        .into_response())
}
