//! What a laid-out document is made of: blocks in reading order, each with its role for
//! the tag tree and its pieces (shaped lines, a grid of dark squares such as a QR code)
//! placed on a page.

use super::text::Shaped;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    Text,
    Muted,
    Brand,
    Warning,
}

/// What a block is to a screen reader.
#[derive(Clone, Debug)]
pub enum Role {
    Heading(u16),
    Paragraph,
    /// Its first item is the bullet, the rest its text.
    ListItem,
    /// A picture with its description.
    Figure(String),
    /// A paragraph that is a link to `url`; `alt` says where it goes.
    Link {
        url: String,
        alt: String,
    },
}

#[derive(Clone, Debug)]
pub enum Piece {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        line: Shaped,
    },
    /// Dark squares of side `unit` from (`x`, `y`): each run is (row, first column, length).
    Grid {
        x: f32,
        y: f32,
        unit: f32,
        runs: Vec<(usize, usize, usize)>,
    },
}

#[derive(Clone, Debug)]
pub struct Item {
    pub page: usize,
    pub piece: Piece,
}

#[derive(Clone, Debug)]
pub struct Block {
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
                Piece::Grid { .. } => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How many pages the blocks fill.
pub fn pages(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .flat_map(|b| b.items.iter().map(|i| i.page))
        .max()
        .unwrap_or(0)
        + 1
}
