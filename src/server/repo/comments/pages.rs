//! Pages of a long thread. A page is a run of whole top-level comments with all their replies,
//! at most `size` comments in all; one top-level comment with more replies than that is cut
//! inside, so no page (and no answer) grows with the thread. Pages are counted back from the
//! newest, the default; a page is asked for by a comment just outside it or on it, so a link
//! stays good while the thread grows.

use crate::model::{Comment, OwnComment, ThreadWindow};

/// One page of a thread, in thread order.
#[derive(Debug, Default)]
pub struct ThreadPage {
    pub comments: Vec<Comment>,
    /// The first comment shown, when older ones exist: "Older comments" are those before it.
    pub older: Option<i64>,
    /// The last comment shown, when newer ones exist: "Newer comments" are those after it.
    pub newer: Option<i64>,
    /// The asking reader's own comments on this page.
    pub mine: Vec<OwnComment>,
}

/// The page `window` asks for from the whole thread `all` (depth first, oldest top-level
/// comment first). A window about a comment no longer shown falls back to the newest page.
pub fn page(mut all: Vec<Comment>, size: usize, window: ThreadWindow) -> ThreadPage {
    let size = size.max(1);
    let n = all.len();
    // Where each top-level comment's run starts; a reply belongs to the run before it.
    let starts: Vec<usize> = (0..n).filter(|&i| all[i].parent_id.is_none()).collect();
    let run_of = |i: usize| -> (usize, usize) {
        let at = starts.partition_point(|&s| s <= i);
        let start = at.checked_sub(1).map_or(0, |k| starts[k]);
        let end = starts.get(at).copied().unwrap_or(n);
        (start, end)
    };
    let backward = |end: usize| -> (usize, usize) {
        let mut start = end;
        while start > 0 {
            let (run_start, _) = run_of(start - 1);
            if end - run_start <= size {
                start = run_start;
            } else {
                if start == end {
                    start = end - size;
                }
                break;
            }
        }
        (start, end)
    };
    // Pages are counted back from the newest, so "Older comments" and a comment's own
    // address agree on where pages begin.
    let holding = |i: usize| -> (usize, usize) {
        let mut end = n;
        loop {
            let (start, stop) = backward(end);
            if start <= i || start == 0 {
                return (start, stop);
            }
            end = start;
        }
    };
    let index = |id: i64| all.iter().position(|c| c.id == id);

    let (start, end) = match window {
        ThreadWindow::Newest => backward(n),
        ThreadWindow::Before(id) => match index(id) {
            Some(0) => holding(0),
            Some(i) => backward(i),
            None => backward(n),
        },
        ThreadWindow::After(id) => match index(id) {
            Some(i) if i + 1 < n => holding(i + 1),
            _ => backward(n),
        },
        ThreadWindow::Around(id) => index(id).map_or_else(|| backward(n), holding),
    };
    let older = (start > 0).then(|| all[start].id);
    let newer = (end < n).then(|| all[end - 1].id);
    all.truncate(end);
    let comments = all.split_off(start);
    ThreadPage {
        comments,
        older,
        newer,
        mine: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CommentState;

    fn comment(id: i64, parent_id: Option<i64>) -> Comment {
        Comment {
            id,
            parent_id,
            depth: u32::from(parent_id.is_some()),
            author_name: format!("reader {id}"),
            body_html: String::new(),
            created_at: String::new(),
            created_unix: 0,
            created_label: String::new(),
            edited_at: None,
            state: CommentState::Visible,
        }
    }

    /// Ten top-level comments (ids 10, 20, …, 100); 30 has three replies (31, 32, 33).
    fn thread() -> Vec<Comment> {
        let mut all = Vec::new();
        for root in (10..=100).step_by(10) {
            all.push(comment(root, None));
            if root == 30 {
                for reply in 31..=33 {
                    all.push(comment(reply, Some(30)));
                }
            }
        }
        all
    }

    fn ids(page: &ThreadPage) -> Vec<i64> {
        page.comments.iter().map(|c| c.id).collect()
    }

    #[test]
    fn the_newest_page_holds_whole_top_level_comments() {
        let newest = page(thread(), 4, ThreadWindow::Newest);
        assert_eq!(ids(&newest), [70, 80, 90, 100]);
        assert_eq!((newest.older, newest.newer), (Some(70), None));

        // 30 and its replies are four comments: they make a page together, never split.
        let older = page(thread(), 4, ThreadWindow::Before(70));
        assert_eq!(ids(&older), [40, 50, 60]);
        let oldest = page(thread(), 4, ThreadWindow::Before(40));
        assert_eq!(ids(&oldest), [30, 31, 32, 33]);
        let first = page(thread(), 4, ThreadWindow::Before(30));
        assert_eq!(ids(&first), [10, 20]);
        assert_eq!((first.older, first.newer), (None, Some(20)));

        let newer = page(thread(), 4, ThreadWindow::After(20));
        assert_eq!(ids(&newer), [30, 31, 32, 33]);
        assert_eq!((newer.older, newer.newer), (Some(30), Some(33)));
    }

    #[test]
    fn no_page_is_longer_than_its_size_however_many_replies_one_comment_has() {
        let mut all = vec![comment(1, None)];
        all.extend((2..=500).map(|id| comment(id, Some(1))));
        all.push(comment(501, None));
        for window in [
            ThreadWindow::Newest,
            ThreadWindow::Before(501),
            ThreadWindow::Around(250),
            ThreadWindow::After(3),
        ] {
            let shown = page(all.clone(), 50, window);
            assert!(!shown.comments.is_empty(), "{window:?}");
            assert!(
                shown.comments.len() <= 50,
                "{window:?}: {}",
                shown.comments.len()
            );
        }
        let around = page(all.clone(), 50, ThreadWindow::Around(250));
        assert!(ids(&around).contains(&250));
    }

    #[test]
    fn a_comment_asked_for_is_on_its_page_and_stale_links_fall_back_to_the_newest() {
        let around = page(thread(), 4, ThreadWindow::Around(32));
        assert_eq!(ids(&around), [30, 31, 32, 33]);
        let around = page(thread(), 4, ThreadWindow::Around(20));
        assert_eq!(ids(&around), [10, 20]);
        // The newest comment is on the newest page, with the comments before it.
        let around = page(thread(), 4, ThreadWindow::Around(100));
        assert_eq!(ids(&around), [70, 80, 90, 100]);
        assert_eq!(
            ids(&page(thread(), 4, ThreadWindow::Before(999))),
            [70, 80, 90, 100]
        );
        assert_eq!(
            ids(&page(thread(), 4, ThreadWindow::After(100))),
            [70, 80, 90, 100]
        );
        assert!(
            page(Vec::new(), 4, ThreadWindow::Newest)
                .comments
                .is_empty()
        );
    }
}
