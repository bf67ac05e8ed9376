//! A certificate as a PDF, generated in-process with krilla: A4, DejaVu Sans embedded (and
//! subset), every word real text, tagged for screen readers (headings, paragraphs, the
//! outcomes as a list, the QR code as a figure with its description, the verification
//! address as a link) and checked against PDF/UA-1 as it is written.

mod blocks;
mod layout;
mod text;

use std::num::NonZeroU16;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Accessibility, Configuration, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup,
    TagTree,
};
use krilla::{Document, SerializeSettings};

use chrono::{Datelike, Timelike};

use super::document::CertificateText;
use blocks::{Block, Colour, Item, Piece, Role};
use layout::{PAGE_HEIGHT, PAGE_WIDTH};

/// The PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the certificate fonts could not be read")]
    Fonts,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The certificate as PDF bytes. If a name needs a glyph DejaVu Sans lacks, PDF/UA-1
/// refuses the file (a `.notdef` box cannot be read aloud); it is then written tagged as
/// always, only without claiming conformance, rather than not at all.
pub fn render(
    certificate: &CertificateText,
    issued: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, PdfError> {
    let faces = text::FACES.as_ref().ok_or(PdfError::Fonts)?;
    let blocks = layout::lay_out(faces, certificate);
    match write(certificate, &blocks, faces, issued, true) {
        Ok(pdf) => Ok(pdf),
        Err(error) => {
            tracing::warn!(code = %certificate.code, %error, "certificate PDF written without PDF/UA conformance");
            write(certificate, &blocks, faces, issued, false)
        }
    }
}

fn write(
    certificate: &CertificateText,
    blocks: &[Block],
    faces: &text::Faces,
    issued: chrono::DateTime<chrono::Utc>,
    conforming: bool,
) -> Result<Vec<u8>, PdfError> {
    let configuration = match conforming {
        true => ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|error| PdfError::Write(format!("{error:?}")))?,
        false => Configuration::default(),
    };
    let settings = SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(settings);
    let pages = blocks
        .iter()
        .flat_map(|b| b.items.iter().map(|i| i.page))
        .max()
        .unwrap_or(0)
        + 1;
    // One identifier per item, filled in as each page is drawn.
    let mut ids: Vec<Vec<Option<Identifier>>> =
        blocks.iter().map(|b| vec![None; b.items.len()]).collect();
    let mut link_ids: Vec<Vec<Identifier>> = vec![Vec::new(); blocks.len()];
    for page_index in 0..pages {
        let size = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("A4 is a page size".into()))?;
        let mut page = document.start_page_with(size);
        for (n, block) in blocks.iter().enumerate() {
            if let Role::Link(url) = &block.role {
                for rect in link_rects(block, page_index) {
                    let link = LinkAnnotation::new(
                        rect,
                        Target::Action(LinkAction::new(url.clone()).into()),
                    );
                    let alt = format!("Check this certificate at {url}");
                    link_ids[n]
                        .push(page.add_tagged_annotation(Annotation::new_link(link, Some(alt))));
                }
            }
        }
        let mut surface = page.surface();
        border(&mut surface);
        for (n, block) in blocks.iter().enumerate() {
            for (i, item) in block.items.iter().enumerate() {
                if item.page == page_index {
                    ids[n][i] = Some(draw(&mut surface, item, faces));
                }
            }
        }
        surface.finish();
        page.finish();
    }
    document.set_tag_tree(tag_tree(blocks, ids, link_ids));
    document.set_outline(outline());
    document.set_metadata(metadata(certificate, issued));
    document
        .finish()
        .map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn colour(colour: Colour) -> rgb::Color {
    match colour {
        Colour::Text => rgb::Color::new(33, 43, 50),
        Colour::Muted => rgb::Color::new(76, 98, 114),
        Colour::Brand => rgb::Color::new(0, 94, 184),
        Colour::Warning => rgb::Color::new(212, 53, 28),
    }
}

/// A frame around the page: decoration, so an artifact screen readers skip.
fn border(surface: &mut Surface<'_>) {
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

fn draw(surface: &mut Surface<'_>, item: &Item, faces: &text::Faces) -> Identifier {
    match &item.piece {
        Piece::Text {
            x,
            baseline,
            size,
            bold,
            colour: c,
            line,
        } => {
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            surface.set_fill(Some(Fill {
                paint: colour(*c).into(),
                ..Fill::default()
            }));
            let face = match bold {
                true => &faces.bold,
                false => &faces.regular,
            };
            surface.draw_glyphs(
                Point::from_xy(*x, *baseline),
                &line.glyphs,
                face.font.clone(),
                &line.text,
                *size,
                false,
            );
            surface.end_tagged();
            id
        }
        Piece::Qr {
            x,
            y,
            side,
            modules,
        } => {
            let id = surface.start_tagged(ContentTag::Other);
            let unit = side / modules.size as f32;
            let mut path = PathBuilder::new();
            for (row, column, length) in &modules.runs {
                if let Some(rect) = Rect::from_xywh(
                    x + *column as f32 * unit,
                    y + *row as f32 * unit,
                    *length as f32 * unit,
                    unit,
                ) {
                    path.push_rect(rect);
                }
            }
            if let Some(path) = path.finish() {
                surface.set_fill(Some(Fill {
                    paint: rgb::Color::black().into(),
                    ..Fill::default()
                }));
                surface.draw_path(&path);
            }
            surface.end_tagged();
            id
        }
    }
}

/// The areas a link's lines cover on one page.
fn link_rects(block: &Block, page: usize) -> Vec<Rect> {
    block
        .items
        .iter()
        .filter(|item| item.page == page)
        .filter_map(|item| match &item.piece {
            Piece::Text {
                x,
                baseline,
                size,
                line,
                ..
            } => Rect::from_xywh(*x, baseline - size, line.width.max(1.0), size * 1.3),
            Piece::Qr { .. } => None,
        })
        .collect()
}

/// The reading order: each block a group of its items; consecutive list items one list.
fn tag_tree(
    blocks: &[Block],
    ids: Vec<Vec<Option<Identifier>>>,
    link_ids: Vec<Vec<Identifier>>,
) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some("en-GB".to_owned()));
    let mut list: Option<TagGroup> = None;
    for ((block, ids), links) in blocks.iter().zip(ids).zip(link_ids) {
        let mut ids: Vec<Node> = ids.into_iter().flatten().map(Node::from).collect();
        if !matches!(block.role, Role::ListItem) {
            if let Some(list) = list.take() {
                tree.push(list);
            }
        }
        let group = match &block.role {
            Role::Heading(level) => TagGroup::with_children(
                Tag::Hn(
                    NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN),
                    Some(block.text()),
                ),
                ids,
            ),
            Role::Paragraph => TagGroup::with_children(Tag::P, ids),
            Role::Figure(alt) => TagGroup::with_children(Tag::Figure(Some(alt.clone())), ids),
            Role::Link(_) => {
                ids.extend(links.into_iter().map(Node::from));
                let link = TagGroup::with_children(Tag::Link, ids);
                TagGroup::with_children(Tag::P, vec![link.into()])
            }
            Role::ListItem => {
                let body = ids.split_off(ids.len().min(1));
                let item = TagGroup::with_children(
                    Tag::LI,
                    vec![
                        TagGroup::with_children(Tag::Lbl, ids).into(),
                        TagGroup::with_children(Tag::LBody, body).into(),
                    ],
                );
                list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::Disc)))
                    .push(item);
                continue;
            }
        };
        tree.push(group);
    }
    if let Some(list) = list {
        tree.push(list);
    }
    tree
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
    let date = DateTime::new(u16::try_from(issued.year()).unwrap_or(2026))
        .month(issued.month() as u8)
        .day(issued.day() as u8)
        .hour(issued.hour() as u8)
        .minute(issued.minute() as u8)
        .second(issued.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0);
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
        .creation_date(date)
}

#[cfg(test)]
mod tests;
