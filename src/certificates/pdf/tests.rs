//! The PDF on sample certificates: PDF/UA-1 conformance, a name the font lacks, a second page.

use super::*;
use crate::domain::certificate::CertificateState;
use chrono::TimeZone;

fn sample(name: &str) -> CertificateText {
    CertificateText {
        code: "abcdefghijklmnopqrstuvwxyz".into(),
        learner_name: name.into(),
        course_title: "A systems approach to investigating and learning from patient safety incidents".into(),
        level: "Intermediate",
        cohort_name: "May 2026 cohort".into(),
        dates: "4 May 2026 to 1 June 2026".into(),
        completed_on: "5 June 2026".into(),
        cpd: "18 hours".into(),
        participatory: "6 hours".into(),
        accreditation: "CPD accredited (18 hours)".into(),
        accreditation_reference: "DEMO-CPD-018".into(),
        outcomes: vec![
            "Explain why a systems approach finds more useful learning than a search for individual error".into(),
            "Plan a proportionate investigation and involve patients, families and staff".into(),
        ],
        provider: "Health Services Safety Investigations Body".into(),
        issued_on: "5 June 2026".into(),
        verify_url: "https://academy.example/certificates/abcdefghijklmnopqrstuvwxyz".into(),
        state: CertificateState::Valid,
        revoked_on: None,
        replaced_on: None,
        public_reason: None,
    }
}

fn issued() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 6, 5, 10, 0, 0).unwrap()
}

#[test]
fn a_certificate_is_a_pdf_ua_document() {
    let certificate = sample("Zoë Łukasz-Smith");
    let faces = text::FACES.as_ref().unwrap();
    let blocks = layout::lay_out(faces, &certificate);
    let pdf = crate::pdf::write(&blocks, faces, &settings(&certificate, issued()), true)
        .expect("PDF/UA-1 conforming");
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(path) = std::env::var("CERTIFICATE_PDF_OUT") {
        std::fs::write(path, &pdf).unwrap();
    }
}

#[test]
fn a_name_the_font_cannot_print_still_makes_a_pdf() {
    let pdf = render(&sample("王小明"), issued()).expect("a PDF all the same");
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn many_outcomes_flow_onto_a_second_page() {
    let mut certificate = sample("A learner");
    certificate.outcomes = (1..=40)
        .map(|n| format!("Outcome number {n} of a long list"))
        .collect();
    let faces = text::FACES.as_ref().unwrap();
    let blocks = layout::lay_out(faces, &certificate);
    let pages = blocks.iter().flat_map(|b| &b.items).map(|i| i.page).max();
    assert_eq!(pages, Some(1));
    crate::pdf::write(&blocks, faces, &settings(&certificate, issued()), true)
        .expect("still conforming");
}
