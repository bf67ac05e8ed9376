//! Both backends have the same migration list, so a schema change is never made on one only.

use std::path::Path;

fn migration_names(folder: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn sqlite_and_postgres_have_the_same_migration_files() {
    let sqlite = migration_names("sqlite");
    let postgres = migration_names("postgres");
    assert!(!sqlite.is_empty(), "no migrations found");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must list the same files"
    );
    for (index, name) in sqlite.iter().enumerate() {
        let expected_prefix = format!("{:04}_", index + 1);
        assert!(
            name.starts_with(&expected_prefix) && name.ends_with(".sql"),
            "{name} should be named {expected_prefix}<name>.sql (numbered without gaps)"
        );
    }
}
