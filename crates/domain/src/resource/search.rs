//! What a citizen types into the catalogue's search box, reduced to the words
//! both search engines are asked for.
//!
//! The text is cut into words at every character that is neither a letter
//! nor a digit; words of fewer than three characters and French (and
//! MariaDB's default) stop words are dropped, because MariaDB's full-text
//! index does not hold them and SQLite's would match nearly everything: both
//! engines then answer the same question. Case and accents are left to the
//! engines, which ignore both. Every remaining word must appear in the title,
//! the summary or the body of a resource for it to match.

use crate::DomainError;

/// Words searched for, in the order typed, without duplicates; never empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SearchText(Vec<String>);

/// Words shorter than this are not searched for (MariaDB's
/// `innodb_ft_min_token_size` default).
const MIN_WORD_CHARS: usize = 3;
/// Longest word kept (MariaDB's `innodb_ft_max_token_size` default).
const MAX_WORD_CHARS: usize = 84;

/// Common French words of three letters or more, and those of MariaDB's
/// default stop word list: searching for them says nothing.
const STOP_WORDS: &[&str] = &[
    "about", "are", "aux", "avec", "ces", "cet", "cette", "com", "comme", "dans", "des", "does",
    "elle", "elles", "est", "for", "from", "how", "ils", "leur", "leurs", "les", "lui", "mais",
    "mes", "moi", "nos", "notre", "nous", "par", "pas", "plus", "pour", "qu", "que", "qui", "ses",
    "son", "sont", "sur", "that", "the", "this", "toi", "ton", "tes", "une", "und", "vos", "votre",
    "vous", "was", "what", "when", "where", "who", "will", "with", "www",
];

impl SearchText {
    /// Longest text accepted, in characters.
    pub const MAX_CHARS: usize = 200;
    /// Most words searched for at once.
    pub const MAX_WORDS: usize = 8;

    /// Parses a search text.
    ///
    /// # Errors
    /// [`DomainError::InvalidSearch`] when longer than [`Self::MAX_CHARS`],
    /// or holding no word to search for (only short or common words).
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(DomainError::InvalidSearch);
        }
        let mut words: Vec<String> = Vec::new();
        for word in raw.split(|c: char| !c.is_alphanumeric()) {
            let word = word.to_lowercase();
            let chars = word.chars().count();
            if !(MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&chars)
                || STOP_WORDS.contains(&word.as_str())
                || words.contains(&word)
            {
                continue;
            }
            words.push(word);
            if words.len() == Self::MAX_WORDS {
                break;
            }
        }
        if words.is_empty() {
            return Err(DomainError::InvalidSearch);
        }
        Ok(Self(words))
    }

    /// The words, lower-case, letters and digits only.
    #[must_use]
    pub fn words(&self) -> &[String] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_cut_at_punctuation_and_lowered() {
        let text = SearchText::parse("L'écoute, en FAMILLE : parler-vrai !").unwrap();
        assert_eq!(text.words(), ["écoute", "famille", "parler", "vrai"]);
    }

    #[test]
    fn short_common_and_repeated_words_are_dropped() {
        let text = SearchText::parse("les enfants et les Enfants de la ville").unwrap();
        assert_eq!(text.words(), ["enfants", "ville"]);
    }

    #[test]
    fn nothing_left_to_search_is_refused() {
        for raw in ["", "  ", "le la de", "!!! ???", "pour les vous"] {
            assert_eq!(
                SearchText::parse(raw),
                Err(DomainError::InvalidSearch),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn operators_of_either_engine_are_only_separators() {
        let text = SearchText::parse(r#"+solitude -voisins "aide*" NEAR(ami)"#).unwrap();
        assert_eq!(text.words(), ["solitude", "voisins", "aide", "near", "ami"]);
        assert!(
            text.words()
                .iter()
                .all(|w| w.chars().all(char::is_alphanumeric))
        );
    }

    #[test]
    fn length_and_word_count_are_bounded() {
        assert!(SearchText::parse(&"a".repeat(201)).is_err());
        let many = "alpha bravo charlie delta echo foxtrot golf hotel india juliet";
        assert_eq!(SearchText::parse(many).unwrap().words().len(), 8);
        let long_word = "x".repeat(85);
        assert_eq!(
            SearchText::parse(&format!("{long_word} solitude"))
                .unwrap()
                .words(),
            ["solitude"]
        );
    }
}
