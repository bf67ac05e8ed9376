//! Writing laid-out blocks as a tagged PDF: each page drawn (its own background first, as
//! an artifact), every line real text in the embedded font, links as annotations, and the
//! tag tree in reading order (headings, paragraphs, lists, figures, links). Checked
//! against PDF/UA-1 as it is written when asked.

use std::num::NonZeroU16;

use krilla::action::LinkAction;
use krilla::annotation::{Annotation, LinkAnnotation, Target};
use krilla::color::rgb;
use krilla::configure::{Accessibility, Configuration, ConfigurationBuilder};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::outline::Outline;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup, TagTree,
};
use krilla::{Document, SerializeSettings};

use super::blocks::{Block, Colour, Item, Piece, Role, pages};
use super::flow::{PAGE_HEIGHT, PAGE_WIDTH};
use super::text::Faces;

/// The PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the PDF fonts could not be read")]
    Fonts,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Draws what goes under a page's text (a border, page numbers): given the surface, the
/// page's index and the number of pages. It must tag what it draws as an artifact.
pub type Background<'a> = &'a dyn Fn(&mut Surface<'_>, usize, usize);

/// What a document says about itself.
pub struct Settings<'a> {
    pub metadata: Metadata,
    pub outline: Outline,
    pub background: Option<Background<'a>>,
}

pub fn colour(colour: Colour) -> rgb::Color {
    match colour {
        Colour::Text => rgb::Color::new(33, 43, 50),
        Colour::Muted => rgb::Color::new(76, 98, 114),
        Colour::Brand => rgb::Color::new(0, 94, 184),
        Colour::Warning => rgb::Color::new(212, 53, 28),
    }
}

/// The blocks as a PDF claiming PDF/UA-1. If some text needs a glyph DejaVu Sans lacks,
/// PDF/UA-1 refuses the file (a `.notdef` box cannot be read aloud); it is then written
/// tagged as always, only without claiming conformance, rather than not at all. `what`
/// names the document in the log.
pub fn write_accessible(
    blocks: &[Block],
    faces: &Faces,
    settings: &Settings<'_>,
    what: &str,
) -> Result<Vec<u8>, PdfError> {
    match write(blocks, faces, settings, true) {
        Ok(pdf) => Ok(pdf),
        Err(error) => {
            tracing::warn!(document = what, %error, "PDF written without PDF/UA conformance");
            write(blocks, faces, settings, false)
        }
    }
}

/// The blocks as a PDF, checked against PDF/UA-1 when `conforming`.
pub fn write(
    blocks: &[Block],
    faces: &Faces,
    settings: &Settings<'_>,
    conforming: bool,
) -> Result<Vec<u8>, PdfError> {
    let configuration = match conforming {
        true => ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|error| PdfError::Write(format!("{error:?}")))?,
        false => Configuration::default(),
    };
    let serialize = SerializeSettings {
        configuration,
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    let mut document = Document::new_with(serialize);
    let pages = pages(blocks);
    // Which items each page draws, found once (a long record has thousands of blocks).
    let mut on_page: Vec<Vec<(usize, usize)>> = vec![Vec::new(); pages];
    for (n, block) in blocks.iter().enumerate() {
        for (i, item) in block.items.iter().enumerate() {
            on_page[item.page].push((n, i));
        }
    }
    // One identifier per item, filled in as each page is drawn.
    let mut ids: Vec<Vec<Option<Identifier>>> =
        blocks.iter().map(|b| vec![None; b.items.len()]).collect();
    let mut link_ids: Vec<Vec<Identifier>> = vec![Vec::new(); blocks.len()];
    for (page_index, drawn) in on_page.iter().enumerate() {
        let size = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("A4 is a page size".into()))?;
        let mut page = document.start_page_with(size);
        let mut linked: Vec<usize> = drawn.iter().map(|(n, _)| *n).collect();
        linked.dedup();
        for n in linked {
            if let Role::Link { url, alt } = &blocks[n].role {
                for rect in link_rects(&blocks[n], page_index) {
                    let link = LinkAnnotation::new(
                        rect,
                        Target::Action(LinkAction::new(url.clone()).into()),
                    );
                    link_ids[n].push(
                        page.add_tagged_annotation(Annotation::new_link(link, Some(alt.clone()))),
                    );
                }
            }
        }
        let mut surface = page.surface();
        if let Some(background) = settings.background {
            background(&mut surface, page_index, pages);
        }
        for &(n, i) in drawn {
            ids[n][i] = Some(draw(&mut surface, &blocks[n].items[i], faces));
        }
        surface.finish();
        page.finish();
    }
    document.set_tag_tree(tag_tree(blocks, ids, link_ids));
    document.set_outline(settings.outline.clone());
    document.set_metadata(settings.metadata.clone());
    document
        .finish()
        .map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn draw(surface: &mut Surface<'_>, item: &Item, faces: &Faces) -> Identifier {
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
        Piece::Grid { x, y, unit, runs } => {
            let id = surface.start_tagged(ContentTag::Other);
            let mut path = PathBuilder::new();
            for (row, column, length) in runs {
                if let Some(rect) = Rect::from_xywh(
                    x + *column as f32 * unit,
                    y + *row as f32 * unit,
                    *length as f32 * unit,
                    *unit,
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
            Piece::Grid { .. } => None,
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
            Role::Link { .. } => {
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
