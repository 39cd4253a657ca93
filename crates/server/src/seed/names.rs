//! Who the seeded citizens are: first and last names common in France (most
//! frequent first, so that a skewed draw gives realistic repetitions), and
//! the countries they live in.

/// First names, most frequent first.
pub(super) const FIRST_NAMES: &[&str] = &[
    "Camille", "Léa", "Manon", "Lucas", "Hugo", "Chloé", "Emma", "Louis", "Nathalie", "Thomas",
    "Isabelle", "Nicolas", "Julie", "Sophie", "Marie", "Julien", "Sylvie", "Gabriel", "Inès",
    "Jade", "Arthur", "Louise", "Alice", "Sarah", "Maxime", "Antoine", "Alexandre", "Pierre",
    "Catherine", "Christine", "Sandrine", "Valérie", "Céline", "Aurélie", "Anne", "Claire",
    "Hélène", "Élodie", "Laura", "Mélanie", "Pauline", "Margaux", "Jules", "Adam", "Raphaël",
    "Léo", "Nathan", "Tom", "Théo", "Noah", "Paul", "Philippe", "Michel", "Alain", "Patrick",
    "Daniel", "Christophe", "Stéphane", "Laurent", "Frédéric", "Olivier", "Sébastien", "David",
    "Éric", "François", "Jérôme", "Mathieu", "Romain", "Kevin", "Florian", "Guillaume", "Martine",
    "Françoise", "Monique", "Brigitte", "Dominique", "Lina", "Zoé", "Mila", "Anna", "Juliette",
    "Charlotte", "Agathe", "Rose", "Ambre", "Lucie", "Mohamed", "Karim", "Mehdi", "Yassine",
    "Rayan", "Sofiane", "Bilal", "Yanis", "Amine", "Youssef", "Omar", "Samir", "Nassim",
    "Fatima", "Amina", "Leïla", "Nadia", "Samia", "Aïcha", "Yasmine", "Myriam", "Sonia", "Awa",
    "Fatoumata", "Mariam", "Aminata", "Moussa", "Mamadou", "Ibrahima", "Enzo", "Mathis",
    "Clément", "Baptiste", "Quentin", "Benjamin", "Simon", "Victor", "Martin", "Augustin",
    "Sacha", "Eliott", "Timéo", "Malo", "Gaspard", "Aurélien", "Vincent", "Cédric", "Fabrice",
    "Thierry", "Pascal", "Gilles", "Jacques", "Bernard", "Hervé", "Yves", "Joël", "Marc",
    "Denise", "Jacqueline", "Odile", "Colette", "Geneviève", "Paulette", "Josiane", "Gisèle",
    "Virginie", "Karine", "Stéphanie", "Émilie", "Audrey", "Caroline", "Delphine", "Laetitia",
    "Marion", "Elsa", "Océane", "Clémence", "Mathilde", "Capucine", "Apolline", "Héloïse",
    "Victoire", "Gabrielle", "Maëlys", "Lou", "Nina", "Romane", "Eva", "Jeanne", "Adèle", "Iris",
    "Noémie", "Salomé", "Léonie", "Anaïs", "Morgane", "Solène", "Gwenaëlle", "Tiphaine",
    "Ngoc", "Linh", "Minh", "Mei", "Wei", "Kofi", "Ousmane", "Tiago", "Inès-Marie", "Jean-Luc",
    "Marie-Claude", "Jean-Pierre", "Anne-Sophie", "Pierre-Yves", "Loïc", "Yannick", "Erwan",
    "Maïwenn", "Killian", "Dylan", "Lorenzo", "Giulia", "Sofia", "Mattéo", "Elena", "Ilyes",
    "Wassim", "Hamza", "Souad", "Khadija", "Zineb", "Rachid", "Djamel", "Farid", "Malika",
];

/// Last names, most frequent first.
pub(super) const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun",
    "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud",
    "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal",
    "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
    "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland",
    "Leclercq", "Guillaume", "Lecomte", "Lopez", "Jean", "Dupuy", "Guillot", "Hubert", "Berger",
    "Carpentier", "Sanchez", "Dupuis", "Moulin", "Louis", "Deschamps", "Huet", "Vasseur", "Perez",
    "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Paris", "Poirier", "Marty",
    "Aubry", "Guyot", "Carré", "Charles", "Renault", "Charpentier", "Ménard", "Maillard", "Baron",
    "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall", "Collet", "Léger",
    "Bouvier", "Julien", "Prévost", "Millet", "Perrot", "Daniel", "Le Roux", "Cousin", "Germain",
    "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier",
    "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Boulanger", "Jacob",
    "Monnier", "Michaud", "Rodriguez", "Guichard", "Gillet", "Étienne", "Grondin", "Poulain",
    "Tessier", "Chevallier", "Collin", "Chauvin", "Da Silva", "Bouchet", "Gay", "Lemaître",
    "Bénard", "Maréchal", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier",
    "Laporte", "Nguyen", "Diallo", "Traoré", "Benali", "Haddad", "Mansouri", "Cohen", "Koné",
    "Diop", "Ndiaye", "Tran", "Dos Santos", "Ferreira", "Pereira", "Rossi", "Bianchi", "Kerjean",
    "Le Bihan", "Quéré", "Etcheverry", "Oyarzabal", "Santoni", "Casanova", "Zimmermann", "Koch",
    "Wagner", "Lebreton", "Devaux", "Vautrin", "Delattre", "Vandamme", "Desmet", "Bouzid",
    "Belkacem", "Cissé", "Camara", "Sy", "Pham", "Le", "Vu", "Chen", "Wang",
];

/// ISO 3166-1 country codes of residence with their weights (France first).
pub(super) const COUNTRIES: &[(&str, u32)] = &[
    ("FR", 880),
    ("BE", 30),
    ("CH", 20),
    ("CA", 15),
    ("LU", 8),
    ("MA", 8),
    ("DZ", 6),
    ("TN", 5),
    ("SN", 5),
    ("CI", 4),
    ("DE", 4),
    ("ES", 4),
    ("IT", 3),
    ("PT", 3),
    ("GB", 3),
    ("US", 2),
];

/// Regions of residence in France by INSEE code, weighted by population in
/// thousands (INSEE, legal populations 2021). Accounts living abroad get `99`.
pub(super) const REGIONS: &[(&str, u32)] = &[
    ("11", 12_395),
    ("84", 8_114),
    ("75", 6_081),
    ("76", 6_054),
    ("32", 5_995),
    ("44", 5_562),
    ("93", 5_131),
    ("52", 3_874),
    ("53", 3_395),
    ("28", 3_326),
    ("27", 2_800),
    ("24", 2_574),
    ("04", 873),
    ("01", 384),
    ("02", 361),
    ("94", 347),
    ("06", 299),
    ("03", 286),
];

/// Why a seeded account was suspended.
pub(super) const ACCOUNT_SUSPENSIONS: &[&str] = &[
    "Messages insultants répétés envers d'autres citoyens.",
    "Publication répétée de contenus publicitaires.",
    "Usurpation d'identité signalée, en cours de vérification.",
];

/// An ASCII, lower-case form of a name for handles and addresses: accents
/// dropped, anything but letters and digits removed.
pub(super) fn fold(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'æ' => {
                folded.push('a');
                'e'
            }
            'œ' => {
                folded.push('o');
                'e'
            }
            c if c.is_ascii_alphanumeric() => c,
            _ => continue,
        };
        folded.push(plain);
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_ascii_letters() {
        assert_eq!(fold("Léa"), "lea");
        assert_eq!(fold("Le Gall"), "legall");
        assert_eq!(fold("Marie-Claude"), "marieclaude");
        assert_eq!(fold("Gwenaëlle"), "gwenaelle");
        for name in FIRST_NAMES.iter().chain(LAST_NAMES) {
            let folded = fold(name);
            assert!(
                !folded.is_empty() && folded.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{name}"
            );
        }
    }
}
