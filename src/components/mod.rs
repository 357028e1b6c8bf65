//! UI components, one per file. Route-level pages end in `_page`.

pub mod brief_article;
pub mod brief_body;
pub mod brief_card;
pub mod brief_page;
pub mod builder_brief;
pub mod card_tags;
pub mod category_nav;
pub mod cited_by;
pub mod comments;
pub mod confirm_page;
pub mod desk;
pub mod digest_archive_page;
pub mod digest_issue_page;
pub mod email_form;
pub mod error_page;
pub mod feed_page;
pub mod follow;
pub mod keyboard_shortcuts;
pub mod layout;
pub mod live_status;
pub mod my_data_page;
pub mod new_briefs;
pub mod new_mark;
pub mod newsletter_box;
pub mod newsletter_page;
pub mod not_found;
pub mod page_title;
pub mod pagination;
pub mod reaction_bar;
pub mod reading_now;
pub mod relative_time;
pub mod search_box;
pub mod search_page;
pub mod subscriber_data_page;
pub mod theme_toggle;
pub mod unsubscribe_page;

/// Text for the places Leptos writes as they are — a `<textarea>`'s `inner_html`, a
/// `<title>` (see `page_title`) — escaped, so that it cannot end its element and the browser
/// shows it as typed.
pub fn escaped_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_cannot_close_its_element() {
        assert_eq!(
            escaped_text("a </textarea><script>x</script> & </title>"),
            "a &lt;/textarea&gt;&lt;script&gt;x&lt;/script&gt; &amp; &lt;/title&gt;"
        );
    }
}
