//! What the seeded comments and reports say: French templates for comments
//! and replies (filled by `text.rs` with the slots of `vocabulary.rs`), the
//! reasons moderators give, the words of reports and the notes of dismissals.

/// First words of a top-level comment, sometimes.
pub(super) const OPENERS: &[&str] = &[
    "Merci pour ce partage !", "Très intéressant.", "Bonjour à tous !", "Super idée !", "Bonjour.",
    "Merci, c'est exactement ce que je cherchais.", "Enfin une ressource sur {topic} !",
    "Je découvre cette ressource et je la trouve très utile.", "Bravo pour ce travail.",
    "Ressource très claire.", "Je me permets de partager mon expérience.", "Voici mon témoignage.",
];

/// First words of a reply, sometimes.
pub(super) const REPLY_OPENERS: &[&str] = &[
    "Merci pour votre retour !", "Tout à fait d'accord avec vous.", "Je partage votre avis.",
    "Pas tout à fait d'accord.", "Bonne question !", "Même expérience ici.", "Merci, je vais essayer.",
    "C'est exactement ça.", "Je comprends ce que vous ressentez.", "Courage, ça finit par aller mieux.",
    "Je rebondis sur votre message.", "Intéressant, je n'avais pas vu les choses ainsi.",
];

/// Sentences of comments.
pub(super) const REMARKS: &[&str] = &[
    "J'ai essayé {moment} avec ma famille et cela nous a vraiment aidés à {action}.",
    "Chez nous, {topic} est un sujet sensible, mais ce texte donne des pistes concrètes.",
    "Je me reconnais dans ce qui est décrit : on ressent souvent {feeling} face à {topic}.",
    "Est-ce que quelqu'un a des conseils pour {action} {target} quand on manque de temps ?",
    "Je recommande cette ressource à {audience}.",
    "Nous avons essayé pendant {n} semaines : {word} a fait toute la différence.",
    "Petite astuce : proposer {activity}, c'est une bonne façon de {action}.",
    "Je ne suis pas tout à fait d'accord sur un point : tout ne se règle pas avec {word}.",
    "Ma mère, {age} ans, a retrouvé le sourire grâce à {activity}.",
    "À {city}, nous organisons quelque chose de semblable depuis {year}.",
    "Le passage sur {word} m'a particulièrement parlé.",
    "C'est simple, mais il fallait y penser : {action} {target}, {moment}.",
    "J'aurais aimé lire cela il y a quelques années.",
    "Le piège, c'est {pitfall} : cela peut vite tourner au conflit.",
    "Quelqu'un a-t-il essayé avec {audience} ?",
    "Depuis que nous prenons {n} minutes {moment} pour parler, l'ambiance a changé.",
    "Très bonne ressource pour {action} {target}.",
    "Je l'ai partagée avec mes collègues, qui l'ont appréciée.",
    "On sous-estime souvent l'importance de {word}.",
    "Avec {word} et un peu de patience, on y arrive.",
    "Est-ce que cela fonctionne aussi avec des enfants plus jeunes ?",
    "Je suis plutôt {quality} de nature, et pourtant cela m'a demandé des efforts.",
    "Il manque peut-être un mot sur {topic}, mais l'essentiel y est.",
    "Nous avons imprimé la fiche et l'avons affichée dans la cuisine.",
    "Cela m'a donné envie de {action} {target}.",
];

/// Sentences of replies.
pub(super) const REPLIES: &[&str] = &[
    "De mon côté, {word} a été la clé.",
    "Essayez {moment}, c'est souvent plus facile.",
    "Chez nous, il a fallu {n} semaines avant de voir un changement.",
    "Vous pouvez aussi proposer {activity}.",
    "Un groupe de parole peut aussi aider : il en existe dans beaucoup de villes.",
    "Nous avons vécu la même chose à {city}.",
    "Je vous conseille d'éviter {pitfall}.",
    "Pour ma part, je commence toujours par {action}.",
    "Votre message me fait penser à {topic}, dont on parle trop peu.",
];

/// Last words of a comment, sometimes.
pub(super) const CLOSERS: &[&str] = &[
    "Bonne journée à tous.", "Merci encore !", "À suivre…", "Bon courage !", "Belle initiative.",
    "Au plaisir de vous lire.",
];

/// Why a moderator hid a comment.
pub(super) const HIDINGS: &[&str] = &[
    "Propos insultants envers un autre participant.",
    "Publicité pour un service payant.",
    "Coordonnées personnelles publiées sans accord.",
    "Informations de santé trompeuses.",
    "Message hors sujet répété.",
    "Propos discriminatoires.",
];

/// What citizens write with a report (always with « other »).
pub(super) const REPORT_TEXTS: &[&str] = &[
    "Le message donne le nom complet d'une personne qui n'a rien demandé.",
    "Ce message renvoie vers un site qui me semble douteux.",
    "Le même texte est publié sous plusieurs ressources.",
    "Le ton est agressif envers ceux qui ne partagent pas cet avis.",
    "Les conseils de santé donnés ici contredisent ceux de mon médecin.",
    "Ce contenu ne correspond pas du tout à la catégorie.",
    "Je pense que la personne se fait passer pour un professionnel.",
];

/// What moderators note when they dismiss a report.
pub(super) const DISMISSALS: &[&str] = &[
    "Critique argumentée, conforme à la charte.",
    "Désaccord d'opinion, pas d'infraction.",
    "Lien vérifié : site institutionnel.",
    "Signalement sans rapport avec le contenu.",
];
