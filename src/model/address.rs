//! What goes into addresses: slugs and page numbers, checked the same way on the server and
//! in the browser, and query-string values, encoded for links.

use crate::error::AppError;

/// Longest slug accepted anywhere (brief or category).
pub const MAX_SLUG_LEN: usize = 96;
/// Highest page number the feed accepts; far beyond any real archive, it bounds the query.
pub const MAX_PAGE: u32 = 10_000;

/// Percent-encodes a query-string value (slashes kept: paths read better that way).
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Checks a slug: lowercase ASCII letters and digits in hyphen-separated words.
pub fn validate_slug(slug: &str) -> Result<(), AppError> {
    let well_formed = !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if well_formed {
        Ok(())
    } else {
        Err(AppError::bad_request(
            "A slug is made of lowercase letters and digits joined by single hyphens.",
        ))
    }
}

/// Parses the `page` query parameter: absent means page 1.
pub fn parse_page(raw: Option<&str>) -> Result<u32, AppError> {
    let Some(raw) = raw else { return Ok(1) };
    match raw.trim().parse::<u32>() {
        Ok(n) => check_page(n).map(|()| n),
        Err(_) => Err(page_error()),
    }
}

/// Checks a page number's range.
pub fn check_page(page: u32) -> Result<(), AppError> {
    if (1..=MAX_PAGE).contains(&page) {
        Ok(())
    } else {
        Err(page_error())
    }
}

fn page_error() -> AppError {
    AppError::bad_request(format!(
        "The page number must be a whole number from 1 to {MAX_PAGE}."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(validate_slug("open-weights-7b").is_ok());
        for bad in ["", "-a", "a-", "a--b", "A-b", "a_b", "a b", "../etc", "é"] {
            assert!(validate_slug(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(validate_slug(&"a".repeat(MAX_SLUG_LEN + 1)).is_err());
    }

    #[test]
    fn pages() {
        assert_eq!(parse_page(None), Ok(1));
        assert_eq!(parse_page(Some("3")), Ok(3));
        for bad in ["0", "-1", "abc", "1.5", "", "10001", "99999999999"] {
            assert!(
                matches!(parse_page(Some(bad)), Err(AppError::BadRequest(_))),
                "{bad:?}"
            );
        }
    }
}
