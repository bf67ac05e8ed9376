//! What an account may do: learn, or also run the site.

labelled_enum!(Role {
    Learner = "learner", "Learner";
    Admin = "admin", "Admin";
});

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_read_back_as_stored() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("owner"), None);
    }
}
