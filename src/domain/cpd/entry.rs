//! The typed values of a CPD entry: its kind, method, planning, the regulators' themes,
//! standards and domains it is linked to, and who gave a piece of feedback.

labelled_enum!(EntryKind {
    Activity = "activity", "CPD activity";
    Feedback = "feedback", "Practice-related feedback";
    ReflectiveDiscussion = "reflective_discussion", "Reflective discussion";
});

labelled_enum!(Method {
    Course = "course", "Course";
    ELearning = "e_learning", "E-learning";
    LiveSession = "live_session", "Live session or webinar";
    Conference = "conference", "Conference";
    Reading = "reading", "Reading";
    PeerDiscussion = "peer_discussion", "Peer discussion";
    Supervision = "supervision", "Supervision";
    AuditOrQi = "audit_or_qi", "Audit or quality improvement";
    Other = "other", "Other";
});

labelled_enum!(Planning {
    Planned = "planned", "Planned";
    Unplanned = "unplanned", "Unplanned";
});

// The NMC Code's four themes, as a reflective account names one.
labelled_enum!(CodeTheme {
    PrioritisePeople = "prioritise_people", "Prioritise people";
    PractiseEffectively = "practise_effectively", "Practise effectively";
    PreserveSafety = "preserve_safety", "Preserve safety";
    PromoteProfessionalism = "promote_professionalism", "Promote professionalism and trust";
});

// The two HCPC CPD standards an activity is linked to (standards 3 and 4).
labelled_enum!(HcpcStandard {
    ImprovesPractice = "improves_practice", "It improves the quality of my practice and service delivery";
    BenefitsServiceUsers = "benefits_service_users", "It benefits service users";
});

// Good Medical Practice 2024's four domains.
labelled_enum!(GmpDomain {
    Knowledge = "knowledge_skills_development", "Knowledge, skills and development";
    Patients = "patients_partnership_communication", "Patients, partnership and communication";
    Colleagues = "colleagues_culture_safety", "Colleagues, culture and safety";
    Trust = "trust_professionalism", "Trust and professionalism";
});

labelled_enum!(FeedbackSource {
    PatientOrServiceUser = "patient_or_service_user", "A patient or service user";
    CarerOrFamily = "carer_or_family", "A carer or family member";
    Colleague = "colleague", "A colleague";
    Manager = "manager", "A manager";
    Student = "student", "A student";
    TeamOrAudit = "team_or_audit", "A team performance review or audit";
    ComplaintOrCompliment = "complaint_or_compliment", "A complaint or compliment";
    Other = "other", "Someone else";
});

/// An enum an entry may carry several of, kept as a [`Flags`] set.
pub trait Flag: Copy + Eq + 'static {
    /// Every value, in the order forms list them (at most 8).
    fn all() -> &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(raw: &str) -> Option<Self>;
}

macro_rules! flag {
    ($($ty:ident),+) => {$(
        impl Flag for $ty {
            fn all() -> &'static [Self] {
                $ty::ALL
            }
            fn as_str(self) -> &'static str {
                $ty::as_str(self)
            }
            fn parse(raw: &str) -> Option<Self> {
                $ty::parse(raw)
            }
        }
    )+};
}

flag!(HcpcStandard, GmpDomain);

/// A set of [`Flag`] values: the HCPC standards or GMP domains an entry is linked to.
/// Stored as its values joined by commas in list order ("" for none), see [`Flags::stored`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flags<T: Flag> {
    bits: u8,
    _kind: std::marker::PhantomData<T>,
}

impl<T: Flag> Default for Flags<T> {
    fn default() -> Self {
        Flags {
            bits: 0,
            _kind: std::marker::PhantomData,
        }
    }
}

impl<T: Flag> std::fmt::Debug for Flags<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(Flag::as_str))
            .finish()
    }
}

impl<T: Flag> Flags<T> {
    fn bit(value: T) -> u8 {
        let index = T::all().iter().position(|v| *v == value).unwrap_or(0);
        1 << index
    }

    /// The set holding `values`.
    pub fn of(values: &[T]) -> Self {
        let mut set = Self::default();
        for value in values {
            set.insert(*value);
        }
        set
    }

    /// Every value: an entry linked to all of them.
    pub fn all() -> Self {
        Self::of(T::all())
    }

    pub fn insert(&mut self, value: T) {
        self.bits |= Self::bit(value);
    }

    pub fn contains(self, value: T) -> bool {
        self.bits & Self::bit(value) != 0
    }

    pub fn is_empty(self) -> bool {
        self.bits == 0
    }

    pub fn len(self) -> usize {
        self.bits.count_ones() as usize
    }

    /// The values held, in list order.
    pub fn iter(self) -> impl Iterator<Item = T> {
        T::all().iter().copied().filter(move |v| self.contains(*v))
    }

    /// Both sets' values together.
    pub fn union(self, other: Self) -> Self {
        Flags {
            bits: self.bits | other.bits,
            _kind: std::marker::PhantomData,
        }
    }

    /// The stored text: "improves_practice,benefits_service_users", "" for none.
    pub fn stored(self) -> String {
        self.iter().map(Flag::as_str).collect::<Vec<_>>().join(",")
    }

    /// Reads [`Flags::stored`] text back; `None` if it names a value the type does not know.
    pub fn from_stored(raw: &str) -> Option<Self> {
        Self::from_values(raw.split(',').filter(|v| !v.is_empty()))
    }

    /// The ticked boxes a form sent (repeated fields); `None` if one is not a known value.
    pub fn from_values<'v>(values: impl IntoIterator<Item = &'v str>) -> Option<Self> {
        let mut set = Self::default();
        for value in values {
            set.insert(T::parse(value.trim())?);
        }
        Some(set)
    }
}

impl<T: Flag> serde::Serialize for Flags<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Flag::as_str))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_read_back_what_they_store() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.as_str()), Some(*method));
        }
        for kind in EntryKind::ALL {
            assert_eq!(EntryKind::parse(kind.as_str()), Some(*kind));
        }
        for source in FeedbackSource::ALL {
            assert_eq!(FeedbackSource::parse(source.as_str()), Some(*source));
        }
        assert_eq!(Method::AuditOrQi.label(), "Audit or quality improvement");
        assert_eq!(
            CodeTheme::PromoteProfessionalism.label(),
            "Promote professionalism and trust"
        );
        assert_eq!(Method::parse("Course"), None, "stored values are exact");
    }

    #[test]
    fn flags_are_stored_in_list_order_and_read_back() {
        let both = Flags::of(&[
            HcpcStandard::BenefitsServiceUsers,
            HcpcStandard::ImprovesPractice,
        ]);
        assert_eq!(both.stored(), "improves_practice,benefits_service_users");
        assert_eq!(Flags::from_stored(&both.stored()), Some(both));
        assert_eq!(both.len(), 2);
        assert_eq!(Flags::<GmpDomain>::from_stored(""), Some(Flags::default()));
        assert_eq!(Flags::<GmpDomain>::from_stored("knowledge,x"), None);
        let domains =
            Flags::<GmpDomain>::from_values(["trust_professionalism", "trust_professionalism"])
                .unwrap();
        assert_eq!(domains.iter().collect::<Vec<_>>(), [GmpDomain::Trust]);
        assert!(!domains.contains(GmpDomain::Patients));
        assert_eq!(Flags::<GmpDomain>::all().len(), 4);
    }
}
