//! What the seeded resources talk about: French templates and words about
//! relationships, by category, relation type and resource type.
//!
//! Templates hold `{slot}`s filled by `text.rs`; a slot spelt with a capital
//! (`{Topic}`) is filled then capitalised. Lists are ordered most likely
//! first (draws are skewed towards the head), so that full-text search meets
//! realistic term frequencies: template words are in nearly every resource,
//! a category's words in a few percent, and the long lists (activities,
//! towns, first names, book titles) give many rare terms.

/// The vocabulary of one category, by its slug.
#[derive(Debug)]
pub(super) struct Theme {
    /// Category slug (reference data).
    pub slug: &'static str,
    /// How often resources fall in it, relative to the others.
    pub weight: u32,
    /// Relation types its resources most often concern (slugs).
    pub relations: &'static [&'static str],
    /// Subjects, as noun phrases with their article.
    pub topics: &'static [&'static str],
    /// Nouns with their article, for the free slots of sentences.
    pub words: &'static [&'static str],
}

/// Every category's vocabulary; an unknown category borrows the first.
pub(super) const THEMES: &[Theme] = &[
    Theme {
        slug: "communication",
        weight: 10,
        relations: &["conjoints", "famille", "professionnelle"],
        topics: &[
            "l'écoute active", "la communication non violente", "les non-dits", "l'art de la reformulation",
            "les malentendus", "la parole en famille", "les conversations difficiles", "le langage du corps",
            "les reproches", "l'expression des besoins", "le silence", "les messages écrits",
            "la critique constructive", "les réunions de famille", "la gestion des désaccords",
        ],
        words: &[
            "le dialogue", "l'écoute", "la reformulation", "le ton de la voix", "le regard", "la patience",
            "l'empathie", "la clarté", "les questions ouvertes", "le « je » plutôt que le « tu »",
            "la bienveillance", "le respect", "les émotions", "le feedback", "la sincérité",
        ],
    },
    Theme {
        slug: "cultures",
        weight: 5,
        relations: &["inconnus", "amis-et-communautes"],
        topics: &[
            "la rencontre interculturelle", "les fêtes du monde", "les cuisines familiales", "le bilinguisme",
            "les traditions partagées", "l'accueil des nouveaux arrivants", "les langues régionales",
            "le patrimoine du quartier", "les musiques du monde", "les contes transmis",
        ],
        words: &[
            "la curiosité", "l'ouverture", "la tradition", "la langue", "le voyage", "la recette",
            "l'hospitalité", "le métissage", "la mémoire", "la transmission", "le festival", "le conte",
        ],
    },
    Theme {
        slug: "developpement-personnel",
        weight: 12,
        relations: &["soi"],
        topics: &[
            "la confiance en soi", "l'estime de soi", "la procrastination", "les petites habitudes",
            "le perfectionnisme", "la gratitude", "la prise de décision", "le changement",
            "les objectifs personnels", "l'affirmation de soi", "la motivation", "le syndrome de l'imposteur",
            "la gestion du temps", "les croyances limitantes", "le journal de bord",
        ],
        words: &[
            "la confiance", "l'habitude", "l'objectif", "la persévérance", "la gratitude", "le courage",
            "la discipline", "la curiosité", "le bilan", "l'intention", "la progression", "l'autonomie",
        ],
    },
    Theme {
        slug: "intelligence-emotionnelle",
        weight: 9,
        relations: &["soi", "conjoints", "famille"],
        topics: &[
            "la colère", "la tristesse", "la peur du rejet", "la jalousie", "les émotions des enfants",
            "la régulation émotionnelle", "l'empathie", "la frustration", "la culpabilité",
            "les montagnes russes émotionnelles", "la météo intérieure", "la honte", "l'anxiété sociale",
        ],
        words: &[
            "l'émotion", "la colère", "la peur", "la joie", "la tristesse", "le calme", "la respiration",
            "l'empathie", "la sensibilité", "le ressenti", "la vulnérabilité", "l'apaisement",
        ],
    },
    Theme {
        slug: "loisirs",
        weight: 7,
        relations: &["amis-et-communautes", "famille"],
        topics: &[
            "les jeux de société", "les sorties en famille", "le jardinage partagé", "les loisirs créatifs",
            "la randonnée entre amis", "les clubs de lecture", "la chorale du quartier", "le bricolage",
            "les soirées jeux", "le sport collectif", "la photographie", "les ateliers cuisine",
        ],
        words: &[
            "le jeu", "la sortie", "le plaisir", "la détente", "le partage", "la découverte", "l'équipe",
            "la fête", "le rire", "la balade", "la création", "le week-end",
        ],
    },
    Theme {
        slug: "monde-professionnel",
        weight: 9,
        relations: &["professionnelle"],
        topics: &[
            "le télétravail", "les conflits entre collègues", "l'entretien annuel", "la reconnaissance au travail",
            "l'intégration des nouveaux", "le management bienveillant", "l'épuisement professionnel",
            "les réunions efficaces", "l'équilibre vie pro et vie perso", "le travail en équipe",
            "la reconversion", "le harcèlement au travail", "la pause déjeuner",
        ],
        words: &[
            "le collègue", "le manager", "l'équipe", "la réunion", "le projet", "la charge de travail",
            "la reconnaissance", "la coopération", "le bureau", "l'entretien", "la confiance", "le délai",
        ],
    },
    Theme {
        slug: "parentalite",
        weight: 12,
        relations: &["famille"],
        topics: &[
            "l'autorité bienveillante", "les écrans à la maison", "le sommeil des tout-petits",
            "la crise d'adolescence", "les devoirs", "la rivalité entre frères et sœurs",
            "les colères de l'enfant", "la séparation des parents", "l'arrivée d'un bébé",
            "la charge mentale des parents", "l'argent de poche", "le harcèlement scolaire",
            "les repas en famille", "la famille recomposée", "l'entrée au collège",
        ],
        words: &[
            "l'enfant", "l'adolescent", "le parent", "la règle", "la routine", "le câlin", "le repas",
            "l'école", "le coucher", "la limite", "le jeu", "la confiance", "la fratrie", "le bébé",
        ],
    },
    Theme {
        slug: "qualite-de-vie",
        weight: 8,
        relations: &["soi", "amis-et-communautes"],
        topics: &[
            "le sommeil", "le rythme de vie", "le désencombrement", "la vie de quartier",
            "la lenteur", "l'alimentation", "les écrans le soir", "le logement partagé",
            "les déplacements quotidiens", "le bruit", "les espaces verts", "le budget du foyer",
        ],
        words: &[
            "le sommeil", "le rythme", "la pause", "le repos", "le quartier", "la nature", "le confort",
            "la simplicité", "l'équilibre", "le temps libre", "la marche", "le silence",
        ],
    },
    Theme {
        slug: "recherche-de-sens",
        weight: 5,
        relations: &["soi", "amis-et-communautes"],
        topics: &[
            "l'engagement bénévole", "les valeurs personnelles", "la transmission entre générations",
            "le sentiment d'utilité", "les choix de vie", "la retraite", "les grandes questions",
            "l'entraide", "la citoyenneté", "le deuil",
        ],
        words: &[
            "le sens", "la valeur", "l'engagement", "l'utilité", "la transmission", "le bénévolat",
            "la solidarité", "la mémoire", "l'héritage", "la réflexion",
        ],
    },
    Theme {
        slug: "sante-physique",
        weight: 6,
        relations: &["soi", "famille"],
        topics: &[
            "l'activité physique", "le mal de dos", "la marche quotidienne", "l'alimentation équilibrée",
            "la maladie chronique", "l'aidant familial", "le handicap", "la convalescence",
            "le sport après cinquante ans", "la prévention", "le sommeil réparateur",
        ],
        words: &[
            "le corps", "la santé", "l'exercice", "la douleur", "la fatigue", "l'énergie", "le soin",
            "le médecin", "la prévention", "le mouvement", "la récupération",
        ],
    },
    Theme {
        slug: "sante-psychique",
        weight: 10,
        relations: &["soi", "famille", "amis-et-communautes"],
        topics: &[
            "la solitude", "le stress", "l'anxiété", "la dépression", "le burn-out parental",
            "l'isolement des personnes âgées", "le soutien entre pairs", "les idées noires",
            "la charge mentale", "la santé mentale des étudiants", "le sentiment de vide",
            "la rupture", "le deuil",
        ],
        words: &[
            "la solitude", "le stress", "l'anxiété", "le soutien", "l'isolement", "la parole", "l'aide",
            "le lien", "la fragilité", "la résilience", "le moral", "l'accompagnement",
        ],
    },
    Theme {
        slug: "spiritualite",
        weight: 3,
        relations: &["soi"],
        topics: &[
            "la méditation", "la pleine conscience", "le silence intérieur", "la gratitude",
            "les rituels du quotidien", "la contemplation de la nature", "le pardon",
        ],
        words: &[
            "la méditation", "la présence", "le souffle", "le pardon", "la sérénité", "la paix",
            "l'intériorité", "le rituel",
        ],
    },
    Theme {
        slug: "vie-affective",
        weight: 9,
        relations: &["conjoints", "amis-et-communautes"],
        topics: &[
            "la vie de couple", "la rencontre amoureuse", "la routine à deux", "la jalousie",
            "la séparation", "l'amitié", "la tendresse", "les disputes de couple",
            "l'arrivée du premier enfant", "le couple à distance", "le célibat", "la confiance",
        ],
        words: &[
            "le couple", "l'amour", "la tendresse", "la complicité", "le partenaire", "l'ami",
            "l'intimité", "la confiance", "la dispute", "la réconciliation", "le désir",
        ],
    },
];

/// Who a resource is about, as a phrase following an action, by relation type slug.
pub(super) const TARGETS: &[(&str, &[&str])] = &[
    (
        "soi",
        &["avec soi-même", "pour soi", "au quotidien", "sans s'oublier", "à son rythme"],
    ),
    (
        "conjoints",
        &["avec son conjoint", "en couple", "avec sa compagne", "avec son compagnon", "à deux"],
    ),
    (
        "famille",
        &[
            "avec ses enfants", "avec son adolescent", "avec ses parents", "en famille",
            "avec sa fratrie", "avec ses grands-parents", "avec un parent âgé", "avec ses beaux-parents",
        ],
    ),
    (
        "professionnelle",
        &["avec ses collègues", "avec son manager", "en équipe", "avec ses collaborateurs", "au bureau"],
    ),
    (
        "amis-et-communautes",
        &[
            "avec ses amis", "avec ses voisins", "dans son quartier", "dans une association",
            "avec un ami en difficulté", "entre voisins",
        ],
    ),
    (
        "inconnus",
        &[
            "avec des inconnus", "avec les nouveaux arrivants", "avec une personne isolée",
            "dans les transports", "avec les commerçants du quartier",
        ],
    ),
];

/// What a resource helps to do, as infinitive phrases.
pub(super) const ACTIONS: &[&str] = &[
    "renouer le dialogue", "poser des limites", "exprimer ses besoins", "désamorcer un conflit",
    "retrouver de la complicité", "partager un moment", "demander de l'aide", "écouter sans juger",
    "dire non sans culpabiliser", "montrer sa reconnaissance", "parler de ses émotions",
    "apaiser les tensions", "faire équipe", "s'excuser sincèrement", "célébrer les petites victoires",
    "rompre la solitude", "créer de nouveaux liens", "gérer la distance", "prendre une décision ensemble",
    "retrouver confiance", "mieux se comprendre", "sortir de la routine", "accueillir la colère",
    "traverser une période difficile", "prendre soin de la relation", "se faire confiance",
    "oser la première rencontre", "réparer une relation abîmée",
];

/// What kind of resource each type is: the phrase and whether it is feminine.
pub(super) const KINDS: &[(&str, &str, bool)] = &[
    ("activite-jeu", "une activité", true),
    ("article", "un article", false),
    ("carte-defi", "une carte défi", true),
    ("cours-pdf", "un cours à télécharger", false),
    ("exercice-atelier", "un exercice", false),
    ("fiche-de-lecture", "une fiche de lecture", true),
    ("jeu-en-ligne", "un jeu en ligne", false),
    ("video", "une vidéo", true),
];

/// How often each resource type is used, relative to the others.
pub(super) const TYPE_WEIGHTS: &[(&str, u32)] = &[
    ("article", 28),
    ("video", 14),
    ("exercice-atelier", 12),
    ("activite-jeu", 10),
    ("carte-defi", 10),
    ("fiche-de-lecture", 10),
    ("cours-pdf", 9),
    ("jeu-en-ligne", 7),
];

/// Title templates by resource type slug; the first entry serves unknown types.
pub(super) const TITLES: &[(&str, &[&str])] = &[
    (
        "article",
        &[
            "Comment {action} {target} ?", "{n} conseils pour {action} {target}",
            "{Topic} : ce qu'il faut savoir", "{Topic} : {n} idées reçues à oublier",
            "Pourquoi parler de {topic} compte autant", "{Topic}, un enjeu du quotidien",
            "{Action} {target} : le guide pratique", "{Topic} : le témoignage de {name}",
        ],
    ),
    (
        "video",
        &[
            "{Topic} : l'essentiel en {n} minutes", "En vidéo : {action} {target}",
            "{Topic} : le témoignage de {name} en vidéo", "Vidéo : {topic} à {city}",
        ],
    ),
    (
        "activite-jeu",
        &["{Game} : un jeu pour {action} {target}", "Activité : {activity} pour {action}"],
    ),
    ("carte-defi", &["Défi : {challenge}", "Carte défi n° {n} : {challenge}"]),
    (
        "cours-pdf",
        &["Cours : {topic}", "Comprendre {topic}", "Module {n} : {topic} et {word}"],
    ),
    (
        "exercice-atelier",
        &[
            "Atelier : {action} {target}", "Exercice : {topic} en {n} étapes",
            "Atelier collectif autour de {topic}",
        ],
    ),
    ("fiche-de-lecture", &["Fiche de lecture : « {book} »", "« {book} », de {name} {surname}"]),
    (
        "jeu-en-ligne",
        &["{Game} : jeu en ligne pour {action} {target}", "{Game}, le jeu en ligne sur {topic}"],
    ),
];

/// Summaries: one sentence about the resource, followed sometimes by a second.
pub(super) const SUMMARIES: &[&str] = &[
    "{Kind} pour {action} {target}, avec des pistes concrètes à essayer dès aujourd'hui.",
    "{Kind} {consacre} à {topic}.",
    "Des repères simples sur {topic}, pensés pour {audience}.",
    "Le témoignage de {name}, {age} ans, sur {topic} et sa façon de {action} {target}.",
    "{Kind} {consacre} à {topic}, pour {action} {target} sans pression.",
    "Quelques idées pour {action} {target}, à adapter à chacun.",
];

/// Sentences of body paragraphs.
pub(super) const SENTENCES: &[&str] = &[
    "Prendre le temps de {action} {target} change souvent la qualité de la relation.",
    "Quand il s'agit de {topic}, il n'existe pas de recette unique.",
    "{Name}, {age} ans, raconte son expérience de {topic} à {city}.",
    "Commencez par {n} minutes par jour, {moment}, dans un endroit calme.",
    "{Word} et {word2} sont deux leviers simples pour {action} {target}.",
    "Beaucoup de personnes ressentent {feeling} face à {topic}.",
    "Pensez à {activity} : c'est une bonne occasion de {action} {target}.",
    "Selon une enquête menée auprès de {big} personnes, {percent} % placent {word} avant {word2} dans leurs priorités.",
    "Dans la vie quotidienne, tout ce qui touche à {topic} se joue dans les petits gestes.",
    "À {city}, une association propose depuis {year} des rencontres autour de {topic}.",
    "Notez chaque soir {n} choses qui se sont bien passées dans la journée.",
    "Si la situation devient trop lourde, parlez-en à un professionnel : médecin traitant, psychologue ou conseiller.",
    "L'essentiel est de rester {quality} et {quality2}, même quand c'est difficile.",
    "Il est normal de ressentir {feeling} : cela ne dit rien de votre valeur.",
    "Un simple échange autour de {activity} peut suffire à {action} {target}.",
    "Les spécialistes rappellent que tout ce qui touche à {word} se construit dans la durée.",
    "Essayez de remplacer les reproches par une demande précise et réaliste.",
    "Chacun avance à son rythme, et c'est très bien ainsi.",
    "On sous-estime souvent l'importance de {word} dans {topic}.",
    "Une question ouverte vaut mieux qu'un long discours.",
    "Ce qui compte, c'est la régularité plus que l'intensité.",
    "Par exemple, {name} a pris l'habitude de proposer {activity} une fois par mois.",
    "Le plus difficile est souvent de faire le premier pas.",
    "Avec un peu d'entraînement, parler de {word} devient plus naturel.",
    "Vous pouvez aussi vous appuyer sur {object} pour lancer la discussion.",
    "À {city} comme ailleurs, la question de {topic} concerne bien plus de monde qu'on ne le croit.",
];

/// Section headings of bodies.
pub(super) const HEADINGS: &[&str] = &[
    "Pourquoi c'est important", "Comment s'y prendre", "Les étapes", "Pour aller plus loin",
    "Témoignage", "Ce qu'il faut éviter", "Matériel", "Déroulé", "Variantes", "À retenir",
    "Règles du jeu", "Ce que disent les études", "Questions fréquentes", "En pratique",
];

/// Bullet points of bodies.
pub(super) const BULLETS: &[&str] = &[
    "{Action} {target}", "Prévoir {n} minutes, {moment}", "Matériel : {object} et {object2}",
    "Éviter {pitfall}", "Choisir un moment calme", "Reformuler ce que l'autre a dit",
    "Parler en « je » : « je me sens… »", "Faire le point au bout de {n} jours",
    "Proposer {activity}", "Remercier pour un petit geste", "Garder une trace dans un carnet",
];

/// Things that hurt relationships.
pub(super) const PITFALLS: &[&str] = &[
    "les reproches", "les comparaisons", "les écrans pendant le repas", "de couper la parole",
    "les généralisations (« tu fais toujours… »)", "l'ironie", "les sujets sensibles le soir",
    "de tout régler en une fois", "de parler à la place de l'autre", "les promesses intenables",
];

/// Feelings, with their partitive article.
pub(super) const FEELINGS: &[&str] = &[
    "de la fatigue", "de l'inquiétude", "de la colère", "de la culpabilité", "de la solitude",
    "de la gêne", "de la tristesse", "de l'impuissance", "de la frustration", "de la peur",
    "de la joie", "de la fierté", "de l'appréhension", "de la lassitude",
];

/// Qualities, in the masculine used as neuter.
pub(super) const QUALITIES: &[&str] = &[
    "patient", "bienveillant", "attentif", "honnête", "curieux", "disponible", "calme",
    "sincère", "indulgent", "ouvert", "humble", "constant",
];

/// Moments of the day or week.
pub(super) const MOMENTS: &[&str] = &[
    "le soir", "le matin", "pendant le repas", "le week-end", "après l'école", "à la pause",
    "avant de dormir", "le dimanche", "en rentrant du travail", "pendant un trajet",
];

/// Who a resource is written for.
pub(super) const AUDIENCES: &[&str] = &[
    "tout le monde", "les parents", "les couples", "les aidants", "les jeunes adultes", "les seniors",
    "les équipes", "les étudiants", "les grands-parents", "les nouveaux arrivants", "les bénévoles",
];

/// Objects that help, with their article.
pub(super) const OBJECTS: &[&str] = &[
    "un carnet", "des crayons de couleur", "un minuteur", "un jeu de cartes", "un dé",
    "une balle", "des post-it", "une boîte à idées", "un calendrier", "une photo de famille",
    "un tableau blanc", "une théière", "un sablier", "des cartes postales", "un album",
    "une plante", "un plaid", "une enceinte", "une liste de questions", "un bocal à souvenirs",
    "des gommettes", "un puzzle", "une corde à sauter", "un livre de recettes", "des jumelles",
];

/// Activities to do together: many and specific, the rare terms of the corpus.
pub(super) const ACTIVITIES: &[&str] = &[
    "une balade en forêt", "un pique-nique au parc", "une partie de pétanque", "un atelier de poterie",
    "un cours de cuisine", "une soirée jeux de société", "un karaoké", "une sortie au musée",
    "une visite de ferme", "une chasse au trésor", "un concours de crêpes", "une séance de yoga",
    "un atelier d'origami", "une randonnée en montagne", "un tournoi de ping-pong", "une sortie à vélo",
    "un jardin partagé", "une bourse aux livres", "un repas de quartier", "un vide-grenier",
    "une fête des voisins", "un atelier de couture", "un club de tricot", "une séance de cinéma",
    "un concert en plein air", "une initiation au théâtre", "un atelier d'écriture", "une dictée géante",
    "un marché de producteurs", "une cueillette de champignons", "une partie de cartes",
    "un atelier de réparation de vélos", "un café-philo", "un café des langues", "une chorale",
    "un cours de danse", "une sortie au bord de mer", "un après-midi au zoo", "une sortie en kayak",
    "une balade à la plage", "un atelier de jardinage", "un goûter partagé", "un barbecue",
    "une séance de relaxation", "une exposition de photos", "une promenade du chien",
    "une partie de scrabble", "un escape game", "un atelier de peinture", "un tournoi d'échecs",
    "une soirée contes", "un repas à thème", "une sortie au cirque", "une initiation à l'escalade",
    "un atelier de calligraphie", "une visite de château", "une course d'orientation",
    "une marche nordique", "un atelier de fabrication de savon", "une balade ornithologique",
    "une soirée crêpes", "un quiz musical", "une séance de méditation", "une partie de bowling",
    "une initiation à la photographie", "un atelier de vannerie", "une sortie à la patinoire",
    "un cours de percussions", "un atelier de cuisine du monde", "une lecture à voix haute",
    "un ciné-débat", "un rallye photo", "un concours de dessin", "une partie de mölkky",
    "une partie de badminton", "une visite de la caserne des pompiers", "une fête de la musique",
    "une journée à la campagne", "un atelier de confiture", "un atelier de compost",
    "un potager sur le balcon", "un herbier", "une cabane dans les bois", "un cerf-volant",
    "une soirée astronomie", "un atelier de marionnettes", "une sortie à la médiathèque",
    "un atelier de slam", "un pique-nique zéro déchet", "une session de sophrologie",
    "un atelier de massage pour bébé", "une balade contée", "une nuit à la belle étoile",
];

/// Towns, the other rare terms.
pub(super) const CITIES: &[&str] = &[
    "Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Montpellier", "Strasbourg",
    "Bordeaux", "Lille", "Rennes", "Reims", "Toulon", "Saint-Étienne", "Le Havre", "Grenoble",
    "Dijon", "Angers", "Nîmes", "Villeurbanne", "Clermont-Ferrand", "Le Mans", "Aix-en-Provence",
    "Brest", "Tours", "Amiens", "Limoges", "Annecy", "Perpignan", "Boulogne-Billancourt", "Metz",
    "Besançon", "Orléans", "Saint-Denis", "Rouen", "Argenteuil", "Mulhouse", "Montreuil", "Caen",
    "Nancy", "Roubaix", "Tourcoing", "Nanterre", "Vitry-sur-Seine", "Avignon", "Créteil",
    "Poitiers", "Dunkerque", "Aubervilliers", "Versailles", "Colombes", "Pau", "Aulnay-sous-Bois",
    "Asnières-sur-Seine", "Rueil-Malmaison", "Saint-Pierre", "Antibes", "La Rochelle", "Calais",
    "Cannes", "Béziers", "Colmar", "Bourges", "Drancy", "Mérignac", "Ajaccio", "Saint-Nazaire",
    "Issy-les-Moulineaux", "Noisy-le-Grand", "Évry", "Quimper", "Valence", "Troyes", "Chambéry",
    "Niort", "Lorient", "Sarcelles", "Villejuif", "Pessac", "Vannes", "Cergy", "Bayonne",
    "Clichy", "Ivry-sur-Seine", "Cholet", "Saint-Quentin", "Beauvais", "Hyères", "Laval",
    "Bastia", "Arles", "Chartres", "Angoulême", "Albi", "Brive-la-Gaillarde", "Périgueux",
    "Saint-Malo", "Carcassonne", "Tarbes", "Belfort", "Blois", "Châteauroux", "Auxerre",
    "Mâcon", "Épinal", "Gap", "Rodez", "Cahors", "Aurillac", "Guéret", "Mende", "Foix",
];

/// Everyday challenges of challenge cards.
pub(super) const CHALLENGES: &[&str] = &[
    "appeler un proche perdu de vue", "dire merci à trois personnes aujourd'hui",
    "proposer un café à un voisin", "écrire une lettre à la main", "passer une soirée sans écran",
    "complimenter un collègue", "demander à quelqu'un son livre préféré", "cuisiner pour un ami",
    "sourire à dix inconnus", "écouter quelqu'un sans l'interrompre", "partager un souvenir d'enfance",
    "offrir son aide sans qu'on la demande", "inviter un nouveau voisin", "envoyer une carte postale",
    "poser une question ouverte à table", "prendre des nouvelles d'une personne âgée",
    "dire « je t'aime » autrement", "pardonner une petite maladresse", "faire une promenade à deux",
    "noter trois qualités de son partenaire", "jouer à un jeu avec ses enfants",
    "déjeuner avec un collègue inconnu", "raconter sa journée sans se plaindre",
    "remercier un commerçant", "laisser un mot gentil", "passer une heure sans téléphone",
];

/// Book titles of reading notes: a head and a tail.
pub(super) const BOOK_HEADS: &[&str] = &[
    "L'art de", "Le pouvoir de", "Petit traité de", "Éloge de", "La force de", "Les secrets de",
    "Le goût de", "Chroniques de", "Vivre avec", "Apprivoiser", "Cultiver", "Le chemin de",
];

/// See [`BOOK_HEADS`].
pub(super) const BOOK_TAILS: &[&str] = &[
    "la lenteur", "l'écoute", "la gratitude", "la douceur", "la confiance", "la présence",
    "l'amitié", "la tendresse", "la patience", "la solitude", "l'attention", "la gentillesse",
    "la joie", "la colère", "l'enfance", "la fratrie", "la transmission", "la vulnérabilité",
    "l'imperfection", "la discrétion", "la curiosité", "l'hospitalité", "la rencontre",
];

/// Names of games, for activities and online games.
pub(super) const GAMES: &[&str] = &[
    "Les Ponts du Cœur", "Quiz des émotions", "Mission voisins", "Le labyrinthe des mots",
    "Météo intérieure", "Les cartes de la confiance", "Tour du quartier", "Le jeu du miroir",
    "Trésor de famille", "Les petits défis", "Bingo des rencontres", "Chasse aux compliments",
    "L'île des émotions", "Le grand dialogue", "Carrefour des générations", "Les clés du lien",
];

/// Why a moderator rejected a resource.
pub(super) const REJECTIONS: &[&str] = &[
    "Le contenu ne correspond pas à la catégorie choisie.",
    "Merci de citer vos sources et de préciser le lien externe.",
    "Le texte contient des propos qui pourraient blesser certains publics.",
    "Le résumé est trop court pour comprendre la ressource.",
    "La ressource fait la promotion d'un service payant.",
];

/// Why a moderator suspended a resource.
pub(super) const SUSPENSIONS: &[&str] = &[
    "Plusieurs signalements pour contenu inapproprié.",
    "Lien externe vers un site frauduleux.",
    "Informations de santé trompeuses, en cours de vérification.",
    "Atteinte à la vie privée d'une personne citée.",
];
