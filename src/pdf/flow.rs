//! Lines flowed down A4 pages: text wrapped to a width, blocks of it with their role, label
//! and value rows, bullets, and a new page whenever the next line would not fit.

use super::blocks::{Block, Colour, Item, Piece, Role};
use super::text::{Face, Faces, shape, wrap};

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.28;
pub const PAGE_HEIGHT: f32 = 841.89;

/// Where text may go on a page.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    pub left: f32,
    pub width: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Frame {
    /// The same margin on every side of an A4 page.
    pub fn a4(margin: f32) -> Frame {
        Frame {
            left: margin,
            width: PAGE_WIDTH - 2.0 * margin,
            top: margin,
            bottom: PAGE_HEIGHT - margin,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Align {
    /// From `x`, at most `width` points wide.
    Left(f32, f32),
    Centre,
}

/// The blocks laid out so far, and where the next line goes.
pub struct Flow<'a> {
    pub faces: &'a Faces,
    pub frame: Frame,
    pub page: usize,
    pub y: f32,
    pub blocks: Vec<Block>,
    /// The label column of [`Flow::row`].
    pub label_width: f32,
}

/// Body text size of rows and bullets.
const ROW_SIZE: f32 = 10.5;
/// The label column of [`Flow::row`] unless a document sets its own.
const LABEL_WIDTH: f32 = 130.0;

impl<'a> Flow<'a> {
    /// An empty first page, its first line `y` points down.
    pub fn new(faces: &'a Faces, frame: Frame, y: f32) -> Flow<'a> {
        Flow {
            faces,
            frame,
            page: 0,
            y,
            blocks: Vec::new(),
            label_width: LABEL_WIDTH,
        }
    }

    /// The whole width of the frame, from its left edge.
    pub fn full(&self) -> Align {
        Align::Left(self.frame.left, self.frame.width)
    }

    pub fn face(&self, bold: bool) -> &'a Face {
        match bold {
            true => &self.faces.bold,
            false => &self.faces.regular,
        }
    }

    /// Room for `height` more points on this page, or a new page.
    pub fn make_room(&mut self, height: f32) {
        if self.y + height > self.frame.bottom {
            self.page += 1;
            self.y = self.frame.top;
        }
    }

    /// `text` wrapped into lines as a block of its own.
    pub fn block(
        &mut self,
        role: Role,
        text: &str,
        size: f32,
        bold: bool,
        colour: Colour,
        align: Align,
    ) {
        let mut items = Vec::new();
        self.lines_into(&mut items, text, size, bold, colour, align);
        self.blocks.push(Block { role, items });
    }

    /// A heading, kept on the same page as the first `keep` points that follow it.
    pub fn heading(&mut self, level: u16, text: &str, size: f32, keep: f32) {
        self.make_room(size * 1.35 + keep);
        let align = self.full();
        self.block(Role::Heading(level), text, size, true, Colour::Text, align);
    }

    /// Text typed with line breaks: one paragraph per line that has words, a small gap
    /// where a line was left empty.
    pub fn paragraphs(&mut self, text: &str, size: f32, colour: Colour) {
        let align = self.full();
        for line in text.lines() {
            match line.trim().is_empty() {
                true => self.gap(size * 0.5),
                false => {
                    self.block(Role::Paragraph, line, size, false, colour, align);
                    self.gap(2.0);
                }
            }
        }
    }

    /// Shaped lines of `text` (wrapped to the alignment's width, one per line break) added
    /// to `items`, moving down the page.
    pub fn lines_into(
        &mut self,
        items: &mut Vec<Item>,
        text: &str,
        size: f32,
        bold: bool,
        colour: Colour,
        align: Align,
    ) {
        let width = match align {
            Align::Left(_, width) => width,
            Align::Centre => self.frame.width,
        };
        let leading = size * 1.35;
        let face = self.face(bold);
        for part in text.split('\n') {
            for line in wrap(face, part, size, width) {
                self.make_room(leading);
                let x = match align {
                    Align::Left(x, _) => x,
                    Align::Centre => {
                        self.frame.left + (self.frame.width - line.width).max(0.0) / 2.0
                    }
                };
                items.push(Item {
                    page: self.page,
                    piece: Piece::Text {
                        x,
                        baseline: self.y + size,
                        size,
                        bold,
                        colour,
                        line,
                    },
                });
                self.y += leading;
            }
        }
    }

    pub fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A label and its value side by side, read as one paragraph.
    pub fn row(&mut self, label: &str, value: &str) {
        self.make_room(ROW_SIZE * 1.35);
        let (page, top) = (self.page, self.y);
        let mut items = Vec::new();
        let left = self.frame.left;
        self.lines_into(
            &mut items,
            label,
            ROW_SIZE,
            true,
            Colour::Text,
            Align::Left(left, self.label_width),
        );
        let (label_page, after_label) = (self.page, self.y);
        self.page = page;
        self.y = top;
        self.lines_into(
            &mut items,
            value,
            ROW_SIZE,
            false,
            Colour::Text,
            Align::Left(
                left + self.label_width + 10.0,
                self.frame.width - self.label_width - 10.0,
            ),
        );
        if label_page > self.page {
            (self.page, self.y) = (label_page, after_label);
        } else if label_page == self.page {
            self.y = self.y.max(after_label);
        }
        self.y += 4.0;
        self.blocks.push(Block {
            role: Role::Paragraph,
            items,
        });
    }

    /// One item of a bulleted list (consecutive ones are one list to a screen reader).
    pub fn bullet(&mut self, text: &str) {
        self.make_room(ROW_SIZE * 1.35);
        let left = self.frame.left;
        let mut items = vec![Item {
            page: self.page,
            piece: Piece::Text {
                x: left + 4.0,
                baseline: self.y + ROW_SIZE,
                size: ROW_SIZE,
                bold: false,
                colour: Colour::Brand,
                line: shape(&self.faces.regular, "•", ROW_SIZE),
            },
        }];
        self.lines_into(
            &mut items,
            text,
            ROW_SIZE,
            false,
            Colour::Text,
            Align::Left(left + 18.0, self.frame.width - 18.0),
        );
        self.y += 3.0;
        self.blocks.push(Block {
            role: Role::ListItem,
            items,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::blocks::pages;
    use crate::pdf::text::FACES;

    #[test]
    fn long_text_flows_onto_new_pages_and_keeps_its_line_breaks() {
        let faces = FACES.as_ref().unwrap();
        let mut flow = Flow::new(faces, Frame::a4(50.0), 50.0);
        flow.heading(1, "A heading", 20.0, 40.0);
        let text = "A line of words that goes on.\n\nAnother paragraph.\n".repeat(60);
        flow.paragraphs(&text, 10.5, Colour::Text);
        flow.row("Label", &"value ".repeat(200));
        assert!(pages(&flow.blocks) > 1);
        let paragraphs = flow
            .blocks
            .iter()
            .filter(|b| matches!(b.role, Role::Paragraph))
            .count();
        assert_eq!(paragraphs, 121, "one per line with words, and the row");
        for block in &flow.blocks {
            for item in &block.items {
                if let Piece::Text { baseline, .. } = item.piece {
                    assert!(baseline <= PAGE_HEIGHT - 50.0 + 12.0, "{baseline}");
                }
            }
        }
    }
}
