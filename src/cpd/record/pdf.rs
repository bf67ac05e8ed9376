//! The record as a tagged PDF through [`crate::pdf`]: A4, DejaVu Sans embedded, real text,
//! headings for its sections and entries, label and value rows, written text under its
//! label, page numbers as artifacts, and pages added as long as the record runs.

use krilla::destination::XyzDestination;
use krilla::geom::{Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::surface::Surface;
use krilla::tagging::{Artifact, ArtifactType, ContentTag};

use super::RecordDocument;
use crate::pdf::blocks::{Colour, Role};
use crate::pdf::flow::{Flow, Frame, PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::text::{FACES, Faces, shape};
use crate::pdf::write::colour;
use crate::pdf::{PdfError, Settings};

const MARGIN: f32 = 50.0;

/// The record as PDF bytes (CPU work: run it on the blocking pool).
pub fn render(
    record: &RecordDocument,
    made: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, PdfError> {
    let faces = FACES.as_ref().ok_or(PdfError::Fonts)?;
    let (blocks, outline) = lay_out(faces, record);
    let numbers = |surface: &mut Surface<'_>, page: usize, pages: usize| {
        page_number(surface, faces, page, pages)
    };
    let settings = Settings {
        metadata: Metadata::new()
            .title(record.title.clone())
            .description(format!(
                "{} of {}",
                record.title,
                record.about.first().map_or("", |f| f.value.as_str())
            ))
            .language("en-GB".to_owned())
            .creator("Academy".to_owned())
            .creation_date(crate::certificates::pdf::pdf_date(made)),
        outline,
        background: Some(&numbers),
    };
    crate::pdf::write_accessible(&blocks, faces, &settings, "CPD record")
}

fn lay_out(faces: &Faces, record: &RecordDocument) -> (Vec<crate::pdf::blocks::Block>, Outline) {
    let mut flow = Flow::new(faces, Frame::a4(MARGIN), MARGIN);
    // Room for the NMC log's "Number of participatory hours" on one line.
    flow.label_width = 200.0;
    let mut outline = Outline::new();
    let full = flow.full();
    flow.block(Role::Paragraph, "Academy", 12.0, true, Colour::Brand, full);
    flow.gap(4.0);
    flow.heading(1, &record.title, 20.0, 40.0);
    flow.gap(6.0);
    for field in &record.about {
        flow.row(&field.label, &field.value);
    }
    for section in &record.sections {
        flow.gap(14.0);
        mark(&mut outline, &flow, &section.heading);
        flow.heading(2, &section.heading, 14.0, 40.0);
        flow.gap(4.0);
        for paragraph in &section.paragraphs {
            flow.paragraphs(paragraph, 10.5, Colour::Text);
        }
        for bullet in &section.bullets {
            flow.bullet(bullet);
        }
        if section.items.is_empty() {
            if let Some(empty) = &section.empty {
                flow.paragraphs(empty, 10.5, Colour::Muted);
            }
        }
        for item in &section.items {
            flow.gap(8.0);
            flow.heading(3, &item.heading, 11.5, 30.0);
            flow.gap(2.0);
            for field in &item.fields {
                match field.long {
                    false => flow.row(&field.label, &field.value),
                    true => {
                        flow.make_room(30.0);
                        let full = flow.full();
                        flow.block(
                            Role::Paragraph,
                            &field.label,
                            10.5,
                            true,
                            Colour::Text,
                            full,
                        );
                        flow.paragraphs(&field.value, 10.5, Colour::Text);
                        flow.gap(3.0);
                    }
                }
            }
        }
    }
    (flow.blocks, outline)
}

/// A bookmark to the section that starts where the flow stands.
fn mark(outline: &mut Outline, flow: &Flow<'_>, heading: &str) {
    outline.push_child(OutlineNode::new(
        heading.to_owned(),
        XyzDestination::new(flow.page, Point::from_xy(0.0, flow.y)),
    ));
}

/// "Page 2 of 7" at the foot: pagination, an artifact screen readers skip.
fn page_number(surface: &mut Surface<'_>, faces: &Faces, page: usize, pages: usize) {
    let text = format!("Page {} of {}", page + 1, pages);
    let size = 8.5;
    let line = shape(&faces.regular, &text, size);
    let baseline = PAGE_HEIGHT - MARGIN / 2.0;
    let x = PAGE_WIDTH - MARGIN - line.width;
    surface.start_tagged(ContentTag::Artifact(Artifact::new(
        ArtifactType::PageNumber,
        Rect::from_xywh(x, baseline - size, line.width.max(1.0), size * 1.3),
    )));
    surface.set_fill(Some(krilla::paint::Fill {
        paint: colour(Colour::Muted).into(),
        ..krilla::paint::Fill::default()
    }));
    surface.draw_glyphs(
        Point::from_xy(x, baseline),
        &line.glyphs,
        faces.regular.font.clone(),
        &line.text,
        size,
        false,
    );
    surface.end_tagged();
}
