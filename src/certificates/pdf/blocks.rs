//! What a laid-out certificate is made of: blocks in reading order, each with its role
//! for the tag tree and its pieces (shaped lines, the QR code) placed on a page.

use super::text::Shaped;
use crate::certificates::qr::Modules;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Colour {
    Text,
    Muted,
    Brand,
    Warning,
}

/// What a block is to a screen reader.
#[derive(Clone, Debug)]
pub(super) enum Role {
    Heading(u16),
    Paragraph,
    /// Its first item is the bullet, the rest its text.
    ListItem,
    /// A picture with its description.
    Figure(String),
    /// A paragraph that is a link to this address.
    Link(String),
}

#[derive(Clone, Debug)]
pub(super) enum Piece {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        line: Shaped,
    },
    Qr {
        x: f32,
        y: f32,
        side: f32,
        modules: Modules,
    },
}

#[derive(Clone, Debug)]
pub(super) struct Item {
    pub page: usize,
    pub piece: Piece,
}

#[derive(Clone, Debug)]
pub(super) struct Block {
    pub role: Role,
    pub items: Vec<Item>,
}

impl Block {
    /// The block's words, its lines joined.
    pub fn text(&self) -> String {
        self.items
            .iter()
            .filter_map(|item| match &item.piece {
                Piece::Text { line, .. } => Some(line.text.as_str()),
                Piece::Qr { .. } => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}
