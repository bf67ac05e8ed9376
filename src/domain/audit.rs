//! What an audit event was done to: an account, a course, a place, a certificate, … (the
//! account it concerns is recorded beside it, so an enrolment's events show on its
//! learner's account too).

labelled_enum!(SubjectKind {
    User = "user", "Account";
    Course = "course", "Course";
    Cohort = "cohort", "Cohort";
    Session = "session", "Live session";
    Enrolment = "enrolment", "Place";
    Certificate = "certificate", "Certificate";
    Report = "report", "Report";
    Post = "post", "Post";
    Upload = "upload", "Upload";
    Email = "email", "Email";
    CpdEntry = "cpd_entry", "CPD entry";
});

/// One thing an event was done to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: i64,
}

impl Subject {
    pub fn new(kind: SubjectKind, id: i64) -> Subject {
        Subject { kind, id }
    }
}
