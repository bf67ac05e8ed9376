//! The kinds of published content: posts (news, events, blogs) and a report's findings.

labelled_enum!(PostKind {
    News = "news", "News";
    Event = "event", "Events";
    Blog = "blog", "Blogs";
});

impl PostKind {
    /// One post's kind as its caption names it: "News", "Event", "Blog".
    pub fn singular(self) -> &'static str {
        match self {
            PostKind::News => "News",
            PostKind::Event => "Event",
            PostKind::Blog => "Blog",
        }
    }
}

labelled_enum!(FindingKind {
    Recommendation = "recommendation", "Safety recommendation";
    Observation = "observation", "Safety observation";
    Action = "action", "Safety action";
});

#[cfg(test)]
mod tests {
    use super::{FindingKind, PostKind};

    #[test]
    fn kinds_read_back_as_stored() {
        for kind in PostKind::ALL {
            assert_eq!(PostKind::parse(kind.as_str()), Some(*kind));
        }
        for kind in FindingKind::ALL {
            assert_eq!(FindingKind::parse(kind.as_str()), Some(*kind));
        }
        assert_eq!(PostKind::parse("podcast"), None);
        assert_eq!(FindingKind::parse("finding"), None);
    }
}
