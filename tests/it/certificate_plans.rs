//! The certificate reads that pages make at scale are served by an index on both
//! databases: a place's current certificate (by enrolment) and the admins' latest list.
//! PostgreSQL is asked with sequential scans priced out, so an empty table still shows
//! whether an index *can* serve the query.

use academy::db::{Db, certificates};

use crate::backend_tests;
use crate::support::TestDatabase;

async fn plan(db: &Db, sql: &str) -> String {
    match db {
        Db::Sqlite(pools) => {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("explain query plan {sql}"))
                    .fetch_all(&pools.reader)
                    .await
                    .unwrap();
            rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n")
        }
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await.unwrap();
            sqlx::query("set enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .unwrap();
            let rows: Vec<String> = sqlx::query_scalar(&format!("explain {sql}"))
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            sqlx::query("reset enable_seqscan")
                .execute(&mut *conn)
                .await
                .unwrap();
            rows.join("\n")
        }
    }
}

fn assert_indexed(plan: &str, index: &str) {
    assert!(plan.contains(index), "uses {index}:\n{plan}");
    assert!(
        !plan.contains("Seq Scan")
            && !plan.contains("SCAN certificates\n")
            && !plan.ends_with("SCAN certificates"),
        "{plan}"
    );
}

backend_tests! {
    async fn a_places_certificate_and_the_latest_list_are_read_off_indexes(backend) {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        db.migrate().await.unwrap();
        let current = plan(&db, "select certificate_id from certificates where enrolment_id = 7 and status <> 'replaced' order by certificate_id desc limit 1").await;
        assert_indexed(&current, "certificates_enrolment_idx");
        let latest = plan(&db, &format!("select certificate_id {} limit 100", certificates::LATEST_FIRST)).await;
        assert_indexed(&latest, "certificates_issued_idx");
    }
}
