//! What a search means, the same on both databases: how text splits into words, how words are
//! folded (lower case, accents dropped), which query words match which text words, and how the
//! matches are marked in titles and excerpts.
//!
//! Both stores index the folded words this module produces, never raw text, and both are asked
//! with the terms it parses: the databases only rank. So SQLite's FTS5 and PostgreSQL's
//! full-text search find exactly the same briefs, and nothing a reader types reaches either
//! query language unquoted.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::AppError;
use crate::model::search::{MAX_SEARCH_CHARS, MAX_SEARCH_TERMS, Marked};

/// Words longer than this (in characters) are neither indexed nor searched: no real word is,
/// and PostgreSQL refuses lexemes past 2 KB.
const MAX_WORD_CHARS: usize = 64;
/// Query words at least this long also match longer words they begin ("model" finds
/// "models"); shorter ones match only themselves.
const PREFIX_FROM_CHARS: usize = 3;
/// Words an excerpt shows.
const EXCERPT_WORDS: usize = 36;

/// One word of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Folded: lower case, accents dropped; letters and digits only.
    pub word: String,
    /// Whether it also matches longer words it begins.
    pub prefix: bool,
}

impl Term {
    fn matches(&self, folded: &str) -> bool {
        if self.prefix {
            folded.starts_with(&self.word)
        } else {
            folded == self.word
        }
    }
}

/// A parsed query: the terms every hit must match, all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
    /// Words past [`MAX_SEARCH_TERMS`] were dropped.
    pub truncated: bool,
}

impl Query {
    /// Reads what a reader typed. Quotes, operators and punctuation are just separators; a
    /// query with no word in it has no terms (and finds nothing). Too long a query is refused.
    pub fn parse(raw: &str) -> Result<Query, AppError> {
        let raw = raw.trim();
        if raw.chars().count() > MAX_SEARCH_CHARS {
            return Err(AppError::invalid(
                "q",
                format!("A search can be at most {MAX_SEARCH_CHARS} characters long."),
            ));
        }
        let mut terms: Vec<Term> = Vec::new();
        let mut truncated = false;
        for (_, word) in words(raw) {
            let word = fold(word);
            if word.is_empty()
                || word.chars().count() > MAX_WORD_CHARS
                || terms.iter().any(|t| t.word == word)
            {
                continue;
            }
            if terms.len() == MAX_SEARCH_TERMS {
                truncated = true;
                break;
            }
            let prefix = word.chars().count() >= PREFIX_FROM_CHARS;
            terms.push(Term { word, prefix });
        }
        Ok(Query { terms, truncated })
    }

    /// The FTS5 query: every term as a quoted string (a prefix query where it may begin
    /// longer words), all required. Terms hold only letters and digits, and quotes would be
    /// doubled anyway.
    pub fn fts5(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                let quoted = format!("\"{}\"", t.word.replace('"', "\"\""));
                if t.prefix { quoted + "*" } else { quoted }
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The PostgreSQL `tsquery` in its input syntax (cast, not parsed by a text search
    /// configuration, so no dictionary second-guesses the folding): every term a quoted
    /// lexeme, `:*` for prefixes, all joined by `&`.
    pub fn tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|t| {
                let quoted = lexeme(&t.word);
                if t.prefix { quoted + ":*" } else { quoted }
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    fn hits(&self, folded: &str) -> Option<usize> {
        self.terms.iter().position(|t| t.matches(folded))
    }

    /// `text` cut into runs, the words this query matches marked.
    pub fn mark(&self, text: &str) -> Vec<Marked> {
        mark_range(self, text, 0, text.len())
    }

    /// The passage of `text` with the most distinct matching words (then the most matches,
    /// then the earliest), about [`EXCERPT_WORDS`] words long, with "…" where it cuts the
    /// text. `None` when nothing in `text` matches.
    pub fn excerpt(&self, text: &str) -> Option<Vec<Marked>> {
        let found: Vec<(usize, &str)> = words(text).collect();
        let hits: Vec<Option<usize>> = found.iter().map(|(_, w)| self.hits(&fold(w))).collect();
        if hits.iter().all(Option::is_none) {
            return None;
        }
        let window = EXCERPT_WORDS.min(found.len());
        let mut best = (0, 0, 0);
        for start in 0..=found.len() - window {
            let inside = &hits[start..start + window];
            let mut distinct: Vec<usize> = inside.iter().flatten().copied().collect();
            let count = distinct.len();
            distinct.sort_unstable();
            distinct.dedup();
            if (distinct.len(), count) > (best.1, best.2) {
                best = (start, distinct.len(), count);
            }
        }
        let start = best.0;
        // Lead in a few words before the first match, when the window allows it.
        let first_hit = hits[start..start + window]
            .iter()
            .position(Option::is_some)
            .unwrap_or(0);
        let start = (start + first_hit)
            .saturating_sub(4)
            .min(found.len() - window);
        let end = start + window;
        let from = if start == 0 { 0 } else { found[start].0 };
        let to = match found.get(end) {
            Some((at, _)) => *at,
            None => text.len(),
        };
        let mut marked = Vec::new();
        if from > 0 {
            marked.push(Marked {
                text: "…".to_string(),
                hit: false,
            });
        }
        marked.extend(mark_range(self, text, from, to.min(text.len())));
        if let Some(last) = marked.last_mut().filter(|_| to < text.len()) {
            last.text = last.text.trim_end().to_string();
            marked.push(Marked {
                text: "…".to_string(),
                hit: false,
            });
        }
        Some(marked)
    }
}

fn mark_range(query: &Query, text: &str, from: usize, to: usize) -> Vec<Marked> {
    let mut runs: Vec<Marked> = Vec::new();
    let mut push = |piece: &str, hit: bool| {
        if piece.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some(last) if last.hit == hit && !hit => last.text.push_str(piece),
            _ => runs.push(Marked {
                text: piece.to_string(),
                hit,
            }),
        }
    };
    let slice = &text[from..to];
    let mut at = 0;
    for (start, word) in words(slice) {
        if query.hits(&fold(word)).is_some() {
            push(&slice[at..start], false);
            push(word, true);
            at = start + word.len();
        }
    }
    push(&slice[at..], false);
    runs
}

/// The words of `text` with their byte offsets: runs of letters and digits (with any
/// combining marks that follow them), as SQLite's `unicode61` tokenizer sees words.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, _) = rest.find(|(_, c)| c.is_alphanumeric())?;
        let mut end = text.len();
        while let Some(&(at, c)) = rest.peek() {
            if c.is_alphanumeric() || is_combining_mark(c) {
                rest.next();
            } else {
                end = at;
                break;
            }
        }
        Some((start, &text[start..end]))
    })
}

/// A word as it is indexed and compared: decomposed, accents dropped, lower case. Only the
/// accents of Latin, Greek and Cyrillic letters are dropped (the Combining Diacritical Marks
/// block); the marks other scripts write their vowels with are part of the word.
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `text` as the index stores it: its folded words, one space apart.
pub fn index_text(text: &str) -> String {
    words(text)
        .map(|(_, w)| fold(w))
        .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A lexeme in `tsvector`/`tsquery` input syntax: single-quoted, quotes and backslashes
/// doubled.
fn lexeme(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

/// The PostgreSQL `tsvector` (input syntax) of a brief's indexed fields, each already
/// [`index_text`]: every word at its position, weighted A (title), B (tags), C (summary) or
/// D (body), so ranking prefers a word in the title to the same word in the body.
pub fn tsvector(fields: [(&str, char); 4]) -> String {
    // PostgreSQL keeps positions up to 16383; later words share the last one.
    const MAX_POSITION: usize = 16_383;
    let mut positions: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let mut position = 0;
    for (text, weight) in fields {
        for word in text.split(' ').filter(|w| !w.is_empty()) {
            position = (position + 1).min(MAX_POSITION);
            let at = positions.entry(word).or_default();
            // PostgreSQL keeps at most 256 positions per lexeme.
            if at.len() < 256 {
                at.push(format!("{position}{weight}"));
            }
        }
        // A gap between fields, so a phrase never spans two of them.
        position = (position + 1).min(MAX_POSITION);
    }
    positions
        .into_iter()
        .map(|(word, at)| format!("{}:{}", lexeme(word), at.join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(raw: &str) -> Query {
        Query::parse(raw).expect("query")
    }

    fn shown(marked: &[Marked]) -> String {
        marked
            .iter()
            .map(|m| {
                if m.hit {
                    format!("[{}]", m.text)
                } else {
                    m.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn words_split_on_anything_but_letters_and_digits() {
        let found: Vec<&str> = words("GPT-4o's \"context\" (1.5M) — naïve_façade")
            .map(|(_, w)| w)
            .collect();
        assert_eq!(
            found,
            ["GPT", "4o", "s", "context", "1", "5M", "naïve", "façade"]
        );
        assert_eq!(index_text("Crème BRÛLÉE, déjà-vu"), "creme brulee deja vu");
        // Decomposed input folds the same as composed input.
        assert_eq!(fold("Cafe\u{301}"), fold("Café"));
        assert_eq!(index_text("東京 AI"), "東京 ai");
        // Vowel signs are part of Devanagari words; a stray mark alone is no word.
        assert_eq!(index_text("कि का"), "कि का");
        assert_eq!(index_text("\u{301} x"), "x");
        assert!(
            query("\u{301}\u{93e}")
                .terms
                .iter()
                .all(|t| !t.word.is_empty())
        );
    }

    #[test]
    fn queries_keep_words_only() {
        let q = query(r#"  "open" AND weights* -NOT ( OR ) ' ; DROP TABLE briefs; -- "#);
        let words: Vec<&str> = q.terms.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            [
                "open", "and", "weights", "not", "or", "drop", "table", "briefs"
            ]
        );
        assert!(q.terms[3].prefix);
        assert!(!q.terms[4].prefix, "two letters match only themselves");
        assert_eq!(query("Open weights").fts5(), "\"open\"* AND \"weights\"*");
        assert_eq!(query("Open ai").tsquery(), "'open':* & 'ai'");
        assert!(query("  ").terms.is_empty());
        assert!(query("\"*^:()&|!").terms.is_empty());
        assert_eq!(query("model MODEL Model").terms.len(), 1);
    }

    #[test]
    fn long_queries_are_refused_and_many_words_truncated() {
        let error = Query::parse(&"a".repeat(MAX_SEARCH_CHARS + 1)).expect_err("too long");
        assert_eq!(error.status(), 400);
        assert!(
            Query::parse(&"é".repeat(MAX_SEARCH_CHARS)).is_ok(),
            "counted in characters"
        );
        let many = (0..20)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let q = query(&many);
        assert_eq!(q.terms.len(), MAX_SEARCH_TERMS);
        assert!(q.truncated);
        assert!(
            query(&"x".repeat(65)).terms.is_empty(),
            "over-long words are no words"
        );
    }

    #[test]
    fn marks_whole_words_by_prefix_and_folding() {
        let q = query("model cafe ai");
        assert_eq!(
            shown(&q.mark("Models at the Café: AI, said Aida")),
            "[Models] at the [Café]: [AI], said Aida"
        );
    }

    #[test]
    fn excerpts_centre_on_the_matches() {
        let text = (0..100)
            .map(|i| {
                if i == 70 {
                    "needle".to_string()
                } else {
                    format!("w{i}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let excerpt = query("needle").excerpt(&text).expect("found");
        let shown = shown(&excerpt);
        // The window ends at the text's end, so it starts earlier than the lead-in would.
        assert!(shown.starts_with("…w64 "), "{shown}");
        assert!(shown.contains(" [needle] "), "{shown}");
        assert!(shown.ends_with("w99"), "{shown}");
        let early = query("w2").excerpt(&text).expect("found");
        assert!(
            self::shown(&early).starts_with("w0 w1 [w2] w3 "),
            "exact word only"
        );
        assert!(self::shown(&early).ends_with("w35…"));
        assert!(query("absent").excerpt(&text).is_none());
        let short = query("two").excerpt("One two three.").expect("found");
        assert_eq!(self::shown(&short), "One [two] three.");
    }

    #[test]
    fn tsvectors_weight_each_field() {
        let vector = tsvector([
            ("open weights", 'A'),
            ("ai", 'B'),
            ("weights again", 'C'),
            ("", 'D'),
        ]);
        assert_eq!(vector, "'again':7C 'ai':4B 'open':1A 'weights':2A,6C");
        assert_eq!(lexeme("it's"), "'it''s'");
    }
}
