//! A cohort's materials, written by admins: adding a file (typed by its bytes), a link
//! (http or https) or a Markdown note, editing, reordering and deleting one. Each is audited
//! (`material_added`, `material_updated`, `material_moved`, `material_deleted`); adding or
//! editing may ask for the cohort to be told by email (`announce`).

use chrono::{DateTime, Utc};

use crate::catalogue::Admin;
use crate::context::Ctx;
use crate::db::audit::audit_admin;
use crate::db::materials::{self, Changes, Material, NewFile};
use crate::db::{DbError, cohorts};
use crate::domain::audit::{Subject, SubjectKind};
use crate::domain::material::{Link, MaterialKind, Refused, sniff};
use crate::domain::upload::safe_filename;

use super::announce::{self, Announcement};

/// Why a material was not saved.
#[derive(Debug, thiserror::Error)]
pub enum MaterialError {
    #[error("no such cohort")]
    CohortNotFound,
    #[error("no such material")]
    NotFound,
    #[error("a material needs a title")]
    TitleMissing,
    #[error("no file was sent")]
    EmptyFile,
    #[error("the file is not a PDF, an Office or OpenDocument file, an image or plain text")]
    UnsupportedFile,
    #[error("the file carries macros")]
    Macros,
    /// An edit for another kind of material (a link's address sent for a note).
    #[error("that change does not fit a {} material", .0.as_str())]
    WrongKind(MaterialKind),
    #[error("cannot queue the announcement")]
    Mail(#[source] anyhow::Error),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a new material holds.
pub enum Content<'a> {
    /// A file as it arrived (its size already within the limit); the browser's name is
    /// kept only in a safe form, with the extension of what the bytes really are.
    File {
        filename: &'a str,
        bytes: &'a [u8],
    },
    Link(&'a Link),
    /// Markdown, rendered and sanitised when shown.
    Note(&'a str),
}

pub struct NewMaterial<'a> {
    pub title: &'a str,
    /// None: available at once.
    pub available_from: Option<DateTime<Utc>>,
    pub content: Content<'a>,
    /// Email the cohort's confirmed learners (when it is available).
    pub announce: bool,
}

/// A material just added, and what became of its announcement.
#[derive(Clone, Copy, Debug)]
pub struct Added {
    pub material_id: i64,
    pub announcement: Announcement,
}

/// Adds a material after the cohort's others. A requested announcement is queued in the
/// same transaction when the material is available now, otherwise when it becomes so.
pub async fn add(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    cohort_id: i64,
    new: &NewMaterial<'_>,
) -> Result<Added, MaterialError> {
    if new.title.trim().is_empty() {
        return Err(MaterialError::TitleMissing);
    }
    let (kind, file, url, body) = match &new.content {
        Content::File { filename, bytes } => {
            if bytes.is_empty() {
                return Err(MaterialError::EmptyFile);
            }
            let format = sniff(bytes).map_err(|refused| match refused {
                Refused::Unrecognised => MaterialError::UnsupportedFile,
                Refused::Macros => MaterialError::Macros,
            })?;
            (
                MaterialKind::File,
                Some((format, *filename, *bytes)),
                "",
                "",
            )
        }
        Content::Link(link) => (MaterialKind::Link, None, link.as_str(), ""),
        Content::Note(body) => (MaterialKind::Note, None, "", *body),
    };
    let filename = file.map(|(format, name, _)| stored_name(name, format.extension()));
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    // One change to a cohort's list at a time, so each new material takes the next place.
    cohorts::lock(&mut tx, cohort_id)
        .await?
        .ok_or(MaterialError::CohortNotFound)?;
    let row = materials::NewMaterial {
        cohort_id,
        kind,
        title: new.title.trim(),
        available_from: new.available_from,
        file: file.map(|(format, _, bytes)| NewFile {
            format,
            filename: filename.as_deref().unwrap_or_default(),
            bytes,
        }),
        url,
        body,
        announce_requested: new.announce,
    };
    let material_id = materials::insert(&mut tx, &row, now).await?;
    let detail = format!(
        "cohort {cohort_id} material {material_id}: {} “{}”",
        kind.as_str(),
        row.title
    );
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, cohort_id)),
        "material_added",
        &detail,
        by.client,
        now,
    )
    .await?;
    let material = materials::find_in(&mut tx, material_id)
        .await?
        .ok_or(MaterialError::NotFound)?;
    let announcement = announce::if_due(ctx, &mut tx, &material, by.actor()).await?;
    tx.commit().await?;
    Ok(Added {
        material_id,
        announcement,
    })
}

/// The browser's name made safe, ending in the extension of the format found: a PDF
/// uploaded as `notes.exe` downloads as `notes.exe.pdf`, never as a program.
fn stored_name(raw: &str, extension: &str) -> String {
    let safe = safe_filename(raw);
    let has_it = safe
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case(extension));
    if has_it {
        return safe;
    }
    match extension {
        // "photo.jpeg" is a JPEG already.
        "jpg" if safe.to_ascii_lowercase().ends_with(".jpeg") => safe,
        _ => format!("{safe}.{extension}"),
    }
}

/// What an edit changes besides the title and time: a link's address or a note's text
/// (a file is replaced by deleting it and adding another).
pub enum Edit<'a> {
    File,
    Link(&'a Link),
    Note(&'a str),
}

pub struct MaterialEdit<'a> {
    pub title: &'a str,
    pub available_from: Option<DateTime<Utc>>,
    pub content: Edit<'a>,
    /// Ask for an announcement, if none was asked for before.
    pub announce: bool,
}

/// Saves an edit; the material keeps its place. Returns what became of an announcement.
pub async fn update(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    material_id: i64,
    edit: &MaterialEdit<'_>,
) -> Result<Announcement, MaterialError> {
    if edit.title.trim().is_empty() {
        return Err(MaterialError::TitleMissing);
    }
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let material = materials::find_in(&mut tx, material_id)
        .await?
        .ok_or(MaterialError::NotFound)?;
    let (url, body) = match (&edit.content, material.kind) {
        (Edit::File, MaterialKind::File) => ("", ""),
        (Edit::Link(link), MaterialKind::Link) => (link.as_str(), ""),
        (Edit::Note(body), MaterialKind::Note) => ("", *body),
        _ => return Err(MaterialError::WrongKind(material.kind)),
    };
    let changes = Changes {
        title: edit.title.trim(),
        available_from: edit.available_from,
        url,
        body,
    };
    if !materials::update(&mut tx, material_id, &changes, now).await? {
        return Err(MaterialError::NotFound);
    }
    if edit.announce && !material.announce_requested {
        materials::request_announcement(&mut tx, material_id, now).await?;
    }
    let detail = format!(
        "cohort {} material {material_id}: “{}”",
        material.cohort_id, changes.title
    );
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, material.cohort_id)),
        "material_updated",
        &detail,
        by.client,
        now,
    )
    .await?;
    let saved = materials::find_in(&mut tx, material_id)
        .await?
        .ok_or(MaterialError::NotFound)?;
    let announcement = announce::if_due(ctx, &mut tx, &saved, by.actor()).await?;
    tx.commit().await?;
    Ok(announcement)
}

/// Which way a material moves in its cohort's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

/// Swaps the material with the one above or below it (nothing happens at either end).
/// Returns its cohort.
pub async fn move_material(
    ctx: Ctx<'_>,
    by: Admin<'_>,
    material_id: i64,
    direction: Direction,
) -> Result<i64, MaterialError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let cohort_id = materials::find_in(&mut tx, material_id)
        .await?
        .ok_or(MaterialError::NotFound)?
        .cohort_id;
    cohorts::lock(&mut tx, cohort_id).await?;
    // Read again under the lock: another move may have changed its place.
    let material = materials::find_in(&mut tx, material_id)
        .await?
        .ok_or(MaterialError::NotFound)?;
    let Some(other) = materials::neighbour(&mut tx, &material, direction == Direction::Up).await?
    else {
        return Ok(cohort_id);
    };
    let (mine, theirs) = swapped_positions(&material, &other, direction);
    materials::set_position(&mut tx, material.material_id, mine, now).await?;
    materials::set_position(&mut tx, other.material_id, theirs, now).await?;
    let way = match direction {
        Direction::Up => "up",
        Direction::Down => "down",
    };
    let detail = format!("cohort {cohort_id} material {material_id}: moved {way}");
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, cohort_id)),
        "material_moved",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(cohort_id)
}

/// The two places after a swap; two materials sharing a place are parted by one.
fn swapped_positions(material: &Material, other: &Material, direction: Direction) -> (i64, i64) {
    if material.position != other.position {
        return (other.position, material.position);
    }
    match direction {
        Direction::Up => (other.position, other.position + 1),
        Direction::Down => (other.position + 1, other.position),
    }
}

/// Deletes a material (a file's bytes with it). Returns its cohort.
pub async fn delete(ctx: Ctx<'_>, by: Admin<'_>, material_id: i64) -> Result<i64, MaterialError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let material = materials::find_in(&mut tx, material_id)
        .await?
        .ok_or(MaterialError::NotFound)?;
    if !materials::delete(&mut tx, material_id).await? {
        return Err(MaterialError::NotFound);
    }
    let detail = format!(
        "cohort {} material {material_id}: {} “{}”",
        material.cohort_id,
        material.kind.as_str(),
        material.title
    );
    audit_admin(
        &mut tx,
        by.user_id,
        Some(Subject::new(SubjectKind::Cohort, material.cohort_id)),
        "material_deleted",
        &detail,
        by.client,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(material.cohort_id)
}

#[cfg(test)]
mod tests {
    use super::stored_name;

    #[test]
    fn a_kept_name_ends_in_what_the_file_is() {
        assert_eq!(stored_name("Week 1 slides.pdf", "pdf"), "Week-1-slides.pdf");
        assert_eq!(stored_name("REPORT.PDF", "pdf"), "REPORT.PDF");
        assert_eq!(stored_name("setup.exe", "pdf"), "setup.exe.pdf");
        assert_eq!(stored_name("photo.jpeg", "jpg"), "photo.jpeg");
        assert_eq!(stored_name("", "docx"), "file.docx");
        assert_eq!(stored_name("../../notes", "txt"), "notes.txt");
    }
}
