//! PostgreSQL-only checks. The PostgreSQL store itself is being built behind the same seam as
//! SQLite's (see `migrations/postgres` and `tests/server/schema.rs`); this is the part it
//! runs first on start.

use sqlx::PgPool;

/// Settings that trade durability away. With any of them off, a commit Pulse acknowledged —
/// a comment, a subscription, a digest's send log — can vanish in a crash.
const DURABILITY: [&str; 3] = ["fsync", "synchronous_commit", "full_page_writes"];

/// Refuses a server whose settings can lose acknowledged commits; the error names them.
pub async fn check_durability(pool: &PgPool) -> Result<(), String> {
    let mut unsafe_settings = Vec::new();
    for name in DURABILITY {
        let value: String = sqlx::query_scalar("SELECT current_setting($1)")
            .bind(name)
            .fetch_one(pool)
            .await
            .map_err(|e| format!("cannot read the PostgreSQL setting {name}: {e}"))?;
        if value == "off" {
            unsafe_settings.push(format!("{name}=off"));
        }
    }
    if unsafe_settings.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "PostgreSQL is configured with {}: acknowledged writes could be lost in a crash. \
             Turn {} back on.",
            unsafe_settings.join(", "),
            if unsafe_settings.len() == 1 {
                "it"
            } else {
                "them"
            }
        ))
    }
}
