//! Where everything on a certificate goes: blocks of shaped lines (and the QR code) in
//! reading order, each with its role for the tag tree, flowing onto a second page only if
//! a course lists many outcomes.

use crate::certificates::document::CertificateText;
use crate::certificates::qr::Modules;
use crate::pdf::blocks::{Block, Colour, Item, Piece, Role};
use crate::pdf::flow::{Align, Flow, Frame, PAGE_HEIGHT, PAGE_WIDTH};
use crate::pdf::text::Faces;

const MARGIN: f32 = 60.0;
const CONTENT: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN;
const QR_SIDE: f32 = 96.0;
const FOOTER_HEIGHT: f32 = QR_SIDE + 8.0;

/// Lays out `certificate`; the verification block sits at the foot of the last page.
pub(super) fn lay_out(faces: &Faces, certificate: &CertificateText) -> Vec<Block> {
    let mut flow = Flow::new(faces, Frame::a4(MARGIN), MARGIN + 10.0);
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
                piece: Piece::Grid {
                    x: MARGIN,
                    y: top,
                    unit: QR_SIDE / modules.size.max(1) as f32,
                    runs: modules.runs,
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
        Role::Link {
            url: certificate.verify_url.clone(),
            alt: format!("Check this certificate at {}", certificate.verify_url),
        },
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
