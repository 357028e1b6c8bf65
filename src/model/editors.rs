//! Editors as both builds see them: who is signed in to the desk, with which role, and the
//! rules their names and passwords follow.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What an editor may do. Admins also manage the other editors' accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Editor, Role::Admin];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// A signed-in editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Editor {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// An account as the admins' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorAccount {
    #[serde(flatten)]
    pub editor: Editor,
    /// Cannot sign in (an admin disabled the account).
    pub disabled: bool,
}

impl Editor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Shortest password accepted (OWASP's minimum for single-factor sign-in).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in bytes: hashing cost grows with length, and no real passphrase
/// comes near this.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Longest editor name, in characters.
pub const MAX_EDITOR_NAME_CHARS: usize = 80;

/// Checks a new password: long enough, not absurdly long, not the email address itself.
pub fn check_new_password(password: &str, email: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(
            "password",
            format!("Use at least {MIN_PASSWORD_CHARS} characters; a few plain words will do."),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AppError::invalid(
            "password",
            format!("Use at most {MAX_PASSWORD_BYTES} bytes."),
        ));
    }
    if password.trim().eq_ignore_ascii_case(email.trim()) {
        return Err(AppError::invalid(
            "password",
            "The password must not be the email address.",
        ));
    }
    Ok(())
}

/// Checks an editor's display name and returns it trimmed.
pub fn check_editor_name(name: &str) -> Result<&str, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_EDITOR_NAME_CHARS {
        return Err(AppError::invalid(
            "name",
            format!("Give a name of 1 to {MAX_EDITOR_NAME_CHARS} characters."),
        ));
    }
    if crate::model::hides_characters(name) {
        return Err(AppError::invalid(
            "name",
            "The name must not contain control, invisible or direction-changing characters.",
        ));
    }
    Ok(name)
}

/// Where to go after signing in: a desk address on this site, never anywhere else (`next`
/// comes from a query string anyone can write).
pub fn desk_destination(next: Option<&str>) -> String {
    match next {
        Some(path)
            if (path == "/desk" || path.starts_with("/desk/") || path.starts_with("/desk?"))
                && !path.contains("//")
                && !path.contains('\\')
                && path.len() <= 512
                && path.chars().all(|c| c.is_ascii_graphic()) =>
        {
            path.to_string()
        }
        _ => "/desk".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_the_desk() {
        assert_eq!(desk_destination(Some("/desk/editors")), "/desk/editors");
        assert_eq!(desk_destination(Some("/desk?q=gpu")), "/desk?q=gpu");
        for bad in [
            "https://evil.test/desk",
            "//evil.test",
            "/desk//evil",
            "/deskx",
            "/",
            "/desk/\\evil",
        ] {
            assert_eq!(desk_destination(Some(bad)), "/desk", "{bad}");
        }
        assert_eq!(desk_destination(None), "/desk");
    }

    #[test]
    fn passwords_must_be_long_bounded_and_not_the_address() {
        assert!(check_new_password("correct horse battery", "a@b.co").is_ok());
        assert!(check_new_password("short", "a@b.co").is_err());
        assert!(check_new_password(&"x".repeat(MAX_PASSWORD_BYTES + 1), "a@b.co").is_err());
        assert!(check_new_password("editor@pulse.example", "Editor@Pulse.example").is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(check_editor_name("  Ada  "), Ok("Ada"));
        assert!(check_editor_name("   ").is_err());
        assert!(check_editor_name("a\u{7}b").is_err());
        assert!(check_editor_name(&"n".repeat(MAX_EDITOR_NAME_CHARS + 1)).is_err());
        assert_eq!(Role::parse("admin"), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
