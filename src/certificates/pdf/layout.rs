//! Where everything on a certificate goes: blocks of shaped lines (and the QR code) in
//! reading order, each with its role for the tag tree, flowing onto a second page only if
//! a course lists many outcomes.

use super::blocks::{Block, Colour, Item, Piece, Role};
use super::text::{Face, Faces, shape, wrap};
use crate::certificates::document::CertificateText;
use crate::certificates::qr::Modules;

/// A4 in points.
pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 60.0;
const CONTENT: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const QR_SIDE: f32 = 96.0;
const FOOTER_HEIGHT: f32 = QR_SIDE + 8.0;

#[derive(Clone, Copy)]
enum Align {
    Left(f32, f32),
    Centre,
}

struct Flow<'a> {
    faces: &'a Faces,
    page: usize,
    y: f32,
    blocks: Vec<Block>,
}

impl Flow<'_> {
    fn face(&self, bold: bool) -> &Face {
        match bold {
            true => &self.faces.bold,
            false => &self.faces.regular,
        }
    }

    /// Room for `height` more points on this page, or a new page.
    fn make_room(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.page += 1;
            self.y = MARGIN;
        }
    }

    /// `text` wrapped into lines as a block of its own.
    fn block(
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

    fn lines_into(
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
            Align::Centre => CONTENT,
        };
        let leading = size * 1.35;
        for line in wrap(self.face(bold), text, size, width) {
            self.make_room(leading);
            let x = match align {
                Align::Left(x, _) => x,
                Align::Centre => MARGIN + (CONTENT - line.width).max(0.0) / 2.0,
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

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    /// A label and its value side by side, read as one paragraph.
    fn row(&mut self, label: &str, value: &str) {
        const LABEL: f32 = 130.0;
        let size = 10.5;
        self.make_room(size * 1.35);
        let top = self.y;
        let mut items = Vec::new();
        self.lines_into(
            &mut items,
            label,
            size,
            true,
            Colour::Text,
            Align::Left(MARGIN, LABEL),
        );
        let after_label = self.y;
        self.y = top;
        let value_x = MARGIN + LABEL + 10.0;
        self.lines_into(
            &mut items,
            value,
            size,
            false,
            Colour::Text,
            Align::Left(value_x, CONTENT - LABEL - 10.0),
        );
        self.y = self.y.max(after_label) + 4.0;
        self.blocks.push(Block {
            role: Role::Paragraph,
            items,
        });
    }

    fn bullet(&mut self, text: &str) {
        let size = 10.5;
        self.make_room(size * 1.35);
        let mut items = vec![Item {
            page: self.page,
            piece: Piece::Text {
                x: MARGIN + 4.0,
                baseline: self.y + size,
                size,
                bold: false,
                colour: Colour::Brand,
                line: shape(&self.faces.regular, "•", size),
            },
        }];
        self.lines_into(
            &mut items,
            text,
            size,
            false,
            Colour::Text,
            Align::Left(MARGIN + 18.0, CONTENT - 18.0),
        );
        self.y += 3.0;
        self.blocks.push(Block {
            role: Role::ListItem,
            items,
        });
    }
}

/// Lays out `certificate`; the verification block sits at the foot of the last page.
pub(super) fn lay_out(faces: &Faces, certificate: &CertificateText) -> Vec<Block> {
    let mut flow = Flow {
        faces,
        page: 0,
        y: MARGIN + 10.0,
        blocks: Vec::new(),
    };
    if let Some(notice) = certificate.invalid_notice() {
        flow.block(
            Role::Paragraph,
            &notice,
            12.0,
            true,
            Colour::Warning,
            Align::Centre,
        );
        flow.gap(6.0);
    }
    flow.block(
        Role::Paragraph,
        "Academy",
        15.0,
        true,
        Colour::Brand,
        Align::Centre,
    );
    let from = format!("Patient safety education from {}", certificate.provider);
    flow.block(
        Role::Paragraph,
        &from,
        10.0,
        false,
        Colour::Muted,
        Align::Centre,
    );
    flow.gap(26.0);
    flow.block(
        Role::Heading(1),
        "Certificate of completion",
        26.0,
        true,
        Colour::Text,
        Align::Centre,
    );
    flow.gap(14.0);
    flow.block(
        Role::Paragraph,
        "This is to certify that",
        12.0,
        false,
        Colour::Muted,
        Align::Centre,
    );
    flow.gap(4.0);
    flow.block(
        Role::Paragraph,
        certificate.holder(),
        22.0,
        true,
        Colour::Text,
        Align::Centre,
    );
    flow.gap(4.0);
    flow.block(
        Role::Paragraph,
        "has completed the course",
        12.0,
        false,
        Colour::Muted,
        Align::Centre,
    );
    flow.gap(4.0);
    flow.block(
        Role::Paragraph,
        &certificate.course_title,
        16.0,
        true,
        Colour::Brand,
        Align::Centre,
    );
    let level = format!("{} level", certificate.level);
    flow.block(
        Role::Paragraph,
        &level,
        10.5,
        false,
        Colour::Muted,
        Align::Centre,
    );
    flow.gap(24.0);
    flow.row("Completed on", &certificate.completed_on);
    flow.row(
        "Cohort",
        &format!("{}, {}", certificate.cohort_name, certificate.dates),
    );
    flow.row("CPD time", &certificate.cpd_line());
    let accreditation = certificate.accreditation_line();
    if !accreditation.is_empty() {
        flow.row("Accreditation", &accreditation);
    }
    flow.row("Provider", &certificate.provider);
    flow.row("Certificate code", &certificate.code);
    if !certificate.outcomes.is_empty() {
        flow.gap(12.0);
        flow.make_room(60.0);
        flow.block(
            Role::Heading(2),
            "Learning outcomes",
            12.5,
            true,
            Colour::Text,
            Align::Left(MARGIN, CONTENT),
        );
        flow.gap(2.0);
        for outcome in &certificate.outcomes {
            flow.bullet(outcome);
        }
    }
    footer(&mut flow, certificate);
    flow.blocks
}

/// The QR code and how to check the certificate, at the foot of the page.
fn footer(flow: &mut Flow<'_>, certificate: &CertificateText) {
    let top = BOTTOM - FOOTER_HEIGHT;
    if flow.y + 16.0 > top {
        flow.page += 1;
    }
    flow.y = top;
    if let Some(modules) = Modules::of(&certificate.verify_url) {
        flow.blocks.push(Block {
            role: Role::Figure(format!(
                "QR code of this certificate's verification address, {}",
                certificate.verify_url
            )),
            items: vec![Item {
                page: flow.page,
                piece: Piece::Qr {
                    x: MARGIN,
                    y: top,
                    side: QR_SIDE,
                    modules,
                },
            }],
        });
    }
    let x = MARGIN + QR_SIDE + 18.0;
    let width = CONTENT - QR_SIDE - 18.0;
    flow.y = top + 4.0;
    flow.block(
        Role::Heading(2),
        "Check this certificate",
        11.5,
        true,
        Colour::Text,
        Align::Left(x, width),
    );
    flow.block(
        Role::Paragraph,
        "Anyone can check it is genuine and still valid: scan the QR code or go to",
        9.5,
        false,
        Colour::Text,
        Align::Left(x, width),
    );
    flow.block(
        Role::Link(certificate.verify_url.clone()),
        &certificate.verify_url,
        9.5,
        false,
        Colour::Brand,
        Align::Left(x, width),
    );
    let issued = format!(
        "Issued on {} by {}.",
        certificate.issued_on, certificate.provider
    );
    flow.block(
        Role::Paragraph,
        &issued,
        9.5,
        false,
        Colour::Muted,
        Align::Left(x, width),
    );
}
