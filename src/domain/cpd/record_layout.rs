//! Which regulator's layout a printed CPD record follows: the NMC's log and reflective
//! account form, the HCPC's profile sections, a GMC appraisal summary, the GPhC's record
//! types, or a plain list for another body or none.

use super::regulator::Regulator;

labelled_enum!(RecordLayout {
    Nmc = "nmc", "NMC revalidation (CPD log and reflective accounts)";
    Hcpc = "hcpc", "HCPC CPD profile";
    Gmc = "gmc", "GMC appraisal summary";
    Gphc = "gphc", "GPhC revalidation records";
    General = "none", "A plain record (no regulator's layout)";
});

impl RecordLayout {
    /// The learner's own regulator's layout (the default), or the plain one.
    pub fn of_profile(professional_body: Option<&str>) -> RecordLayout {
        match Regulator::from_professional_body(professional_body) {
            Some(regulator) => RecordLayout::of(regulator),
            None => RecordLayout::General,
        }
    }

    pub fn of(regulator: Regulator) -> RecordLayout {
        match regulator {
            Regulator::Nmc => RecordLayout::Nmc,
            Regulator::Hcpc => RecordLayout::Hcpc,
            Regulator::Gmc => RecordLayout::Gmc,
            Regulator::Gphc => RecordLayout::Gphc,
        }
    }

    /// The regulator whose expectations the record's progress is measured against.
    pub fn regulator(self) -> Option<Regulator> {
        match self {
            RecordLayout::Nmc => Some(Regulator::Nmc),
            RecordLayout::Hcpc => Some(Regulator::Hcpc),
            RecordLayout::Gmc => Some(Regulator::Gmc),
            RecordLayout::Gphc => Some(Regulator::Gphc),
            RecordLayout::General => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_layout_is_the_learners_regulator() {
        assert_eq!(RecordLayout::of_profile(Some("NMC")), RecordLayout::Nmc);
        assert_eq!(RecordLayout::of_profile(Some("GPhC")), RecordLayout::Gphc);
        assert_eq!(
            RecordLayout::of_profile(Some("other")),
            RecordLayout::General
        );
        assert_eq!(RecordLayout::of_profile(None), RecordLayout::General);
        for layout in RecordLayout::ALL {
            assert_eq!(RecordLayout::parse(layout.as_str()), Some(*layout));
            assert_eq!(
                layout
                    .regulator()
                    .map(RecordLayout::of)
                    .unwrap_or(RecordLayout::General),
                *layout
            );
        }
        assert_eq!(
            RecordLayout::parse("NMC"),
            None,
            "the address uses lower case"
        );
    }
}
