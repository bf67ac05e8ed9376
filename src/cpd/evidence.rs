//! Evidence files on an entry: added (typed by their bytes, as cohort materials are) and
//! removed by the entry's learner, each with its history row and audit event.

use crate::context::Ctx;
use crate::db::cpd::history::HistoryAction;
use crate::db::cpd::{self as store, evidence};
use crate::domain::cpd::fields::FieldProblem;
use crate::domain::material::{Refused, sniff};

use super::{CpdError, Learner, record};

/// The most characters of a file's name kept.
const FILENAME_MAX: usize = 200;

fn problem(message: &str) -> CpdError {
    CpdError::Invalid(vec![FieldProblem {
        field: "evidence",
        message: message.to_owned(),
    }])
}

/// Attaches a file to the learner's entry; returns its id.
pub async fn add_evidence(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<i64, CpdError> {
    if bytes.is_empty() {
        return Err(problem("Choose a file"));
    }
    let format = sniff(bytes).map_err(|refused| match refused {
        Refused::Unrecognised => problem(
            "The file must be a PDF, a Word, Excel or PowerPoint document (.docx, .xlsx, .pptx), an OpenDocument file (.odt, .ods, .odp), a PNG, JPEG, GIF or WebP image, or plain text",
        ),
        Refused::Macros => problem(
            "The file contains macros, which we do not accept. Save it without them (for example as .docx rather than .docm) and choose it again",
        ),
    })?;
    // Only the name's last part, without control characters: it is shown and sent back.
    let name: String = filename
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(FILENAME_MAX)
        .collect();
    let name = match name.trim() {
        "" => format!("evidence.{}", format.extension()),
        name => name.to_owned(),
    };
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let entry = store::lock(&mut tx, by.user_id, entry_id)
        .await?
        .ok_or(CpdError::NotFound)?;
    let evidence_id = evidence::insert(&mut tx, entry_id, format, &name, bytes, now).await?;
    record(&mut tx, ctx, Some(by), &entry, HistoryAction::EvidenceAdded).await?;
    tx.commit().await?;
    Ok(evidence_id)
}

/// Removes a file from the learner's entry.
pub async fn remove_evidence(
    ctx: Ctx<'_>,
    by: Learner<'_>,
    entry_id: i64,
    evidence_id: i64,
) -> Result<(), CpdError> {
    let mut tx = ctx.db.begin().await?;
    let entry = store::lock(&mut tx, by.user_id, entry_id)
        .await?
        .ok_or(CpdError::NotFound)?;
    if !evidence::delete(&mut tx, entry_id, evidence_id).await? {
        return Err(CpdError::NotFound);
    }
    record(
        &mut tx,
        ctx,
        Some(by),
        &entry,
        HistoryAction::EvidenceRemoved,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
