//! The texts of a seeded resource: title, summary and Markdown body, composed
//! from the templates and words of `vocabulary.rs`.

use rand::RngExt as _;
use rand::rngs::Xoshiro256PlusPlus;

use super::conversation::{CLOSERS, OPENERS, REMARKS, REPLIES, REPLY_OPENERS};
use super::names::{FIRST_NAMES, LAST_NAMES};
use super::vocabulary::{
    ACTIONS, ACTIVITIES, AUDIENCES, BOOK_HEADS, BOOK_TAILS, BULLETS, CHALLENGES, CITIES, FEELINGS,
    GAMES, HEADINGS, KINDS, MOMENTS, OBJECTS, PITFALLS, QUALITIES, SENTENCES, SUMMARIES, TARGETS,
    THEMES, TITLES, Theme,
};

/// Longest title the domain accepts (`Title::MAX_CHARS`).
const TITLE_MAX_CHARS: usize = 150;
/// Longest summary the domain accepts (`Summary::MAX_CHARS`).
const SUMMARY_MAX_CHARS: usize = 500;
/// Longest comment the domain accepts (`CommentBody::MAX_CHARS`).
const COMMENT_MAX_CHARS: usize = 5_000;

/// The texts of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Texts {
    pub title: String,
    pub summary: String,
    pub body: String,
}

/// What a resource is about: its category's theme, its relation types and type.
#[derive(Debug, Clone, Copy)]
pub(super) struct Subject<'a> {
    pub theme: &'a Theme,
    /// Slugs of its relation types, the first one being the main one.
    pub relations: &'a [&'a str],
    pub resource_type: &'a str,
}

/// An index into a list of `len` items, skewed towards the head: the first
/// items come out several times more often than the last ones.
pub(super) fn skewed(rng: &mut Xoshiro256PlusPlus, len: usize) -> usize {
    let u: f64 = rng.random();
    // Truncation is the point: a position in 0..len.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let index = (u * u * len as f64) as usize;
    index.min(len.saturating_sub(1))
}

fn pick<'a>(rng: &mut Xoshiro256PlusPlus, list: &[&'a str]) -> &'a str {
    list[skewed(rng, list.len())]
}

fn uniform<'a>(rng: &mut Xoshiro256PlusPlus, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// Fills the `{slot}`s of templates for one subject.
struct Composer<'s, 'r> {
    subject: Subject<'s>,
    rng: &'r mut Xoshiro256PlusPlus,
    /// The last value of each slot of the template being rendered, so that
    /// `{word2}` differs from `{word}`.
    filled: Vec<(String, String)>,
}

impl Composer<'_, '_> {
    /// `template` with every slot filled, appended to `out`.
    fn render(&mut self, template: &str, out: &mut String) {
        self.filled.clear();
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let slot = &rest[open + 1..open + close];
            let name = slot.to_lowercase();
            let base = name.trim_end_matches('2').to_owned();
            let mut value = self.slot(&base);
            for _ in 0..5 {
                if !self.filled.iter().any(|(b, v)| *b == base && *v == value) {
                    break;
                }
                value = self.slot(&base);
            }
            if slot.starts_with(char::is_uppercase) {
                push_capitalised(out, &value);
            } else {
                push_contracted(out, &value);
            }
            self.filled.push((base, value));
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
    }

    fn slot(&mut self, name: &str) -> String {
        let rng = &mut *self.rng;
        let theme = self.subject.theme;
        let value: &str = match name {
            "topic" => pick(rng, theme.topics),
            "word" | "word2" => pick(rng, theme.words),
            "action" => pick(rng, ACTIONS),
            "target" => {
                let relations = self.subject.relations;
                // Mostly the main relation type, sometimes another of the resource's.
                let relation = if rng.random_bool(0.75) {
                    relations[0]
                } else {
                    relations[rng.random_range(0..relations.len())]
                };
                TARGETS
                    .iter()
                    .find(|(slug, _)| *slug == relation)
                    .map_or("au quotidien", |(_, targets)| pick(rng, targets))
            }
            "name" => pick(rng, FIRST_NAMES),
            "surname" => pick(rng, LAST_NAMES),
            "city" => pick(rng, CITIES),
            "activity" => uniform(rng, ACTIVITIES),
            "object" | "object2" => uniform(rng, OBJECTS),
            "feeling" => pick(rng, FEELINGS),
            "quality" | "quality2" => pick(rng, QUALITIES),
            "moment" => pick(rng, MOMENTS),
            "pitfall" => pick(rng, PITFALLS),
            "audience" => pick(rng, AUDIENCES),
            "challenge" => uniform(rng, CHALLENGES),
            "game" => uniform(rng, GAMES),
            "book" => {
                return format!("{} {}", uniform(rng, BOOK_HEADS), uniform(rng, BOOK_TAILS));
            }
            "n" => return rng.random_range(2..=12_u32).to_string(),
            "age" => return rng.random_range(16..=88_u32).to_string(),
            "big" => return (rng.random_range(5..=300_u32) * 100).to_string(),
            "percent" => return rng.random_range(12..=89_u32).to_string(),
            "year" => return rng.random_range(1995..=2025_u32).to_string(),
            "kind" | "consacre" => {
                let (phrase, feminine) = KINDS
                    .iter()
                    .find(|(slug, _, _)| *slug == self.subject.resource_type)
                    .map_or(("une ressource", true), |(_, phrase, feminine)| {
                        (*phrase, *feminine)
                    });
                match (name, feminine) {
                    ("kind", _) => phrase,
                    (_, true) => "consacrée",
                    (_, false) => "consacré",
                }
            }
            _ => "",
        };
        value.to_owned()
    }

    fn sentence(&mut self, out: &mut String) {
        let template = uniform(self.rng, SENTENCES);
        self.render(template, out);
    }
}

/// Appends `value` after `out`, contracting French articles and elisions
/// the template could not know about: « de le » → « du », « à les » →
/// « aux », « de écouter » → « d'écouter »…
fn push_contracted(out: &mut String, value: &str) {
    let after_word = |word: &str| {
        out.strip_suffix(word)
            .is_some_and(|before| before.is_empty() || before.ends_with(' '))
    };
    if after_word("de ") {
        let contracted = if let Some(rest) = value.strip_prefix("le ") {
            Some(format!("du {rest}"))
        } else if let Some(rest) = value.strip_prefix("les ") {
            Some(format!("des {rest}"))
        } else if value.starts_with(|c: char| "aeiouyéèêàâîôûœAEIOUYÉÈÊÀÂÎÔÛŒ".contains(c))
        {
            Some(format!("d'{value}"))
        } else {
            None
        };
        if let Some(contracted) = contracted {
            out.truncate(out.len() - "de ".len());
            out.push_str(&contracted);
            return;
        }
    }
    if after_word("à ") {
        let contracted = if let Some(rest) = value.strip_prefix("le ") {
            Some(format!("au {rest}"))
        } else {
            value.strip_prefix("les ").map(|rest| format!("aux {rest}"))
        };
        if let Some(contracted) = contracted {
            out.truncate(out.len() - "à ".len());
            out.push_str(&contracted);
            return;
        }
    }
    out.push_str(value);
}

fn push_capitalised(out: &mut String, value: &str) {
    let mut chars = value.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
}

/// `text` cut at the last space before `max` characters, when longer.
fn bounded(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(space) => cut[..space].trim_end_matches([',', ':', ' ']).to_owned(),
        None => cut,
    }
}

/// Composes the texts of a resource about `subject`, its body about
/// `body_chars` characters long (a little more: it ends on a whole block).
pub(super) fn compose(
    rng: &mut Xoshiro256PlusPlus,
    subject: Subject<'_>,
    body_chars: usize,
) -> Texts {
    let mut composer = Composer {
        subject,
        rng,
        filled: Vec::new(),
    };

    let titles = TITLES
        .iter()
        .find(|(slug, _)| *slug == subject.resource_type)
        .unwrap_or(&TITLES[0])
        .1;
    let mut title = String::new();
    let template = uniform(composer.rng, titles);
    composer.render(template, &mut title);

    let mut summary = String::new();
    let template = uniform(composer.rng, SUMMARIES);
    composer.render(template, &mut summary);
    if composer.rng.random_bool(0.5) {
        summary.push(' ');
        composer.sentence(&mut summary);
    }

    let mut body = String::with_capacity(body_chars + 400);
    paragraph(&mut composer, &mut body, 2..=3);
    let mut headings: Vec<&str> = HEADINGS.to_vec();
    while body.len() < body_chars {
        body.push_str("\n\n## ");
        if headings.is_empty() {
            headings = HEADINGS.to_vec();
        }
        body.push_str(headings.swap_remove(composer.rng.random_range(0..headings.len())));
        body.push_str("\n\n");
        match composer.rng.random_range(0..10) {
            0..=4 => paragraph(&mut composer, &mut body, 2..=4),
            5..=7 => {
                let mut bullets: Vec<&str> = BULLETS.to_vec();
                for _ in 0..composer.rng.random_range(2..=4) {
                    body.push_str("- ");
                    let template = bullets.swap_remove(composer.rng.random_range(0..bullets.len()));
                    composer.render(template, &mut body);
                    body.push('\n');
                }
                body.pop();
            }
            8 => {
                body.push_str("> « ");
                composer.sentence(&mut body);
                body.push_str(" »\n>\n> — ");
                body.push_str(pick(composer.rng, FIRST_NAMES));
            }
            _ => {
                body.push_str("**En bref :** ");
                composer.sentence(&mut body);
            }
        }
    }

    Texts {
        title: bounded(title, TITLE_MAX_CHARS),
        summary: bounded(summary, SUMMARY_MAX_CHARS),
        body,
    }
}

/// The text of a comment on a resource about `subject`, about `chars`
/// characters long (a little more: it ends on a whole sentence): a few
/// words of opening, sometimes alone, then sentences, a paragraph break now
/// and then in long ones. Replies open and go on differently.
pub(super) fn remark(
    rng: &mut Xoshiro256PlusPlus,
    subject: Subject<'_>,
    reply: bool,
    chars: usize,
) -> String {
    let mut composer = Composer {
        subject,
        rng,
        filled: Vec::new(),
    };
    let mut text = String::with_capacity(chars + 200);
    if composer.rng.random_bool(0.5) {
        let openers = if reply { REPLY_OPENERS } else { OPENERS };
        let template = uniform(composer.rng, openers);
        composer.render(template, &mut text);
    }
    while text.len() < chars || text.is_empty() {
        if !text.is_empty() {
            let paragraph = text.len() > 300 && composer.rng.random_bool(0.3);
            text.push_str(if paragraph { "\n\n" } else { " " });
        }
        let template = match composer.rng.random_range(0..10) {
            0..6 => uniform(composer.rng, REMARKS),
            6..8 if reply => uniform(composer.rng, REPLIES),
            _ => uniform(composer.rng, SENTENCES),
        };
        composer.render(template, &mut text);
    }
    if composer.rng.random_bool(0.2) {
        text.push(' ');
        text.push_str(uniform(composer.rng, CLOSERS));
    }
    bounded(text, COMMENT_MAX_CHARS)
}

fn paragraph(
    composer: &mut Composer<'_, '_>,
    body: &mut String,
    sentences: std::ops::RangeInclusive<u32>,
) {
    let count = composer.rng.random_range(sentences);
    for index in 0..count {
        if index > 0 {
            body.push(' ');
        }
        composer.sentence(body);
    }
}

/// The theme of the category `slug`; the first one for an unknown category.
pub(super) fn theme(slug: &str) -> &'static Theme {
    THEMES
        .iter()
        .find(|theme| theme.slug == slug)
        .unwrap_or(&THEMES[0])
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng as _;
    use rr_domain::community::CommentBody;
    use rr_domain::resource::{Body, Summary, Title};

    use super::*;

    #[test]
    fn every_theme_and_type_composes_valid_texts_of_the_asked_length() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for theme in THEMES {
            for (resource_type, _) in TITLES {
                for target in [300, 1_500] {
                    let subject = Subject {
                        theme,
                        relations: &["famille", "soi"],
                        resource_type,
                    };
                    let texts = compose(&mut rng, subject, target);
                    assert!(!texts.title.contains('{'), "{}", texts.title);
                    assert!(!texts.body.contains('{'), "{}", texts.body);
                    assert_eq!(Title::parse(&texts.title).unwrap().as_str(), texts.title);
                    assert_eq!(
                        Summary::parse(&texts.summary).unwrap().as_str(),
                        texts.summary
                    );
                    assert_eq!(Body::parse(&texts.body).unwrap().as_str(), texts.body);
                    assert!(texts.body.len() >= target && texts.body.len() < target + 1_200);
                }
            }
        }
    }

    #[test]
    fn the_same_seed_composes_the_same_texts() {
        let subject = Subject {
            theme: theme("parentalite"),
            relations: &["famille"],
            resource_type: "article",
        };
        let a = compose(&mut Xoshiro256PlusPlus::seed_from_u64(1), subject, 800);
        let b = compose(&mut Xoshiro256PlusPlus::seed_from_u64(1), subject, 800);
        assert_eq!(a, b);
        assert_ne!(
            a,
            compose(&mut Xoshiro256PlusPlus::seed_from_u64(2), subject, 800)
        );
    }

    #[test]
    fn comments_are_valid_texts_of_varied_lengths() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for theme in THEMES {
            let subject = Subject {
                theme,
                relations: &["amis-et-communautes"],
                resource_type: "video",
            };
            for (reply, chars) in [(false, 1), (true, 1), (false, 400), (true, 2_000)] {
                let text = remark(&mut rng, subject, reply, chars);
                assert!(!text.contains('{'), "{text}");
                assert_eq!(CommentBody::parse(&text).unwrap().as_str(), text);
                assert!(text.len() >= chars && !text.ends_with(','), "{text}");
                assert!(text.len() < chars + 600, "{}", text.len());
            }
        }
        let a = remark(
            &mut Xoshiro256PlusPlus::seed_from_u64(4),
            subject_of("sante-psychique"),
            false,
            300,
        );
        let b = remark(
            &mut Xoshiro256PlusPlus::seed_from_u64(4),
            subject_of("sante-psychique"),
            false,
            300,
        );
        assert_eq!(a, b, "the same seed writes the same comment");
    }

    fn subject_of(slug: &str) -> Subject<'static> {
        Subject {
            theme: theme(slug),
            relations: &["famille"],
            resource_type: "article",
        }
    }

    #[test]
    fn articles_are_contracted_and_elided() {
        let cases = [
            ("autour de ", "le télétravail", "autour du télétravail"),
            ("autour de ", "les devoirs", "autour des devoirs"),
            ("consacré à ", "le sommeil", "consacré au sommeil"),
            ("face à ", "les écrans", "face aux écrans"),
            (
                "le temps de ",
                "apaiser les tensions",
                "le temps d'apaiser les tensions",
            ),
            ("autour de ", "un barbecue", "autour d'un barbecue"),
            ("autour de ", "la lenteur", "autour de la lenteur"),
            ("commande ", "le pain", "commande le pain"),
        ];
        for (before, value, expected) in cases {
            let mut out = before.to_owned();
            push_contracted(&mut out, value);
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn skewed_draws_favour_the_head_and_stay_in_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut counts = [0_u32; 10];
        for _ in 0..10_000 {
            counts[skewed(&mut rng, 10)] += 1;
        }
        assert!(counts[0] > 2 * counts[9], "{counts:?}");
        assert!(counts.iter().all(|&c| c > 0));
    }
}
