//! A certificate as a PDF, generated in-process with krilla through [`crate::pdf`]: A4,
//! DejaVu Sans embedded (and subset), every word real text, tagged for screen readers
//! (headings, paragraphs, the outcomes as a list, the QR code as a figure with its
//! description, the verification address as a link) and checked against PDF/UA-1 as it is
//! written. This module owns the certificate's layout and its border.

mod layout;

use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::paint::Stroke;
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag};

use chrono::{Datelike, Timelike};

use super::document::CertificateText;
use crate::pdf::blocks::Colour;
use crate::pdf::flow::{PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::text;
use crate::pdf::write::colour;
pub use crate::pdf::{PdfError, Settings};

/// The certificate as PDF bytes; without the PDF/UA-1 claim if a name needs a glyph the
/// font lacks ([`crate::pdf::write_accessible`]).
pub fn render(
    certificate: &CertificateText,
    issued: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, PdfError> {
    let faces = text::FACES.as_ref().ok_or(PdfError::Fonts)?;
    let blocks = layout::lay_out(faces, certificate);
    crate::pdf::write_accessible(
        &blocks,
        faces,
        &settings(certificate, issued),
        &format!("certificate {}", certificate.code),
    )
}

fn settings(
    certificate: &CertificateText,
    issued: chrono::DateTime<chrono::Utc>,
) -> Settings<'static> {
    Settings {
        metadata: metadata(certificate, issued),
        outline: outline(),
        background: Some(&border),
    }
}

/// A frame around the page: decoration, so an artifact screen readers skip.
fn border(surface: &mut Surface<'_>, _page: usize, _pages: usize) {
    let page = Rect::from_xywh(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT);
    surface.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::Background,
        page,
    )));
    let mut path = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(28.0, 28.0, PAGE_WIDTH - 56.0, PAGE_HEIGHT - 56.0) {
        path.push_rect(rect);
    }
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: colour(Colour::Brand).into(),
            width: 2.0,
            ..Stroke::default()
        }));
        surface.draw_path(&path);
        surface.set_stroke(None);
    }
    surface.end_tagged();
}

fn outline() -> Outline {
    let mut outline = Outline::new();
    outline.push_child(OutlineNode::new(
        "Certificate of completion".to_owned(),
        XyzDestination::new(0, Point::from_xy(0.0, 0.0)),
    ));
    outline
}

fn metadata(certificate: &CertificateText, issued: chrono::DateTime<chrono::Utc>) -> Metadata {
    Metadata::new()
        .title(format!(
            "Certificate of completion: {}",
            certificate.course_title
        ))
        .description(format!(
            "{} completed {} ({}). Check it at {}",
            certificate.holder(),
            certificate.course_title,
            certificate.cpd,
            certificate.verify_url
        ))
        .language("en-GB".to_owned())
        .authors(vec![certificate.provider.clone()])
        .creator("Academy".to_owned())
        .creation_date(pdf_date(issued))
}

/// A moment as PDF metadata's date (UTC).
pub fn pdf_date(at: chrono::DateTime<chrono::Utc>) -> DateTime {
    DateTime::new(u16::try_from(at.year()).unwrap_or(2026))
        .month(at.month() as u8)
        .day(at.day() as u8)
        .hour(at.hour() as u8)
        .minute(at.minute() as u8)
        .second(at.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

#[cfg(test)]
mod tests;
