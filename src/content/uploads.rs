//! Storing an uploaded image or PDF: its type is read from its bytes, an image needs alt
//! text, and its name is made safe. Audited as `upload_added`.

use crate::context::Ctx;
use crate::db::DbError;
use crate::db::audit::audit_admin;
use crate::db::uploads::{self, NewUpload};
use crate::domain::audit::{Subject, SubjectKind};
use crate::domain::upload::{safe_filename, sniff};

/// A file as it arrived (its size already within the limit).
pub struct NewFile<'a> {
    /// The name the browser sent; only a safe form of it is kept.
    pub filename: &'a str,
    pub bytes: &'a [u8],
    /// Checked text; kept for images only.
    pub alt_text: &'a str,
}

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("no file was sent")]
    Empty,
    #[error("the file is not a PNG, JPEG, GIF or WebP image, or a PDF")]
    UnsupportedType,
    #[error("an image needs alt text")]
    AltTextMissing,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Stores the file; its upload id.
pub async fn store(
    ctx: Ctx<'_>,
    admin: i64,
    client: &str,
    file: &NewFile<'_>,
) -> Result<i64, UploadError> {
    if file.bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    let file_type = sniff(file.bytes).ok_or(UploadError::UnsupportedType)?;
    let image = file_type.kind == "image";
    if image && file.alt_text.is_empty() {
        return Err(UploadError::AltTextMissing);
    }
    let filename = safe_filename(file.filename);
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let new = NewUpload {
        kind: file_type.kind,
        content_type: file_type.content_type,
        filename: &filename,
        bytes: file.bytes,
        alt_text: if image { file.alt_text } else { "" },
    };
    let id = uploads::insert(&mut tx, &new, now).await?;
    audit_admin(
        &mut tx,
        admin,
        Some(Subject::new(SubjectKind::Upload, id)),
        "upload_added",
        &format!("upload {id}: {filename}"),
        client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
