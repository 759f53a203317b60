//! Data of the corpus generator: the made-up sites (their chrome in several languages, their
//! habits), bylines, month names and the word swaps of edited copies. Written for the project.

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1257};

/// A made-up publisher: its chrome, its habits.
pub struct Site {
    /// Folder name of its files.
    pub slug: &'static str,
    /// Lines above the headline (a file takes the first 0 to all of them).
    pub header: &'static [&'static str],
    /// Lines below the body (a file takes the first 1 to all of them).
    pub footer: &'static [&'static str],
    /// Chrome that may sit between two paragraphs.
    pub inline: &'static [&'static str],
    /// What precedes the author's name.
    pub byline_prefix: &'static str,
    /// Code page its mojibake goes through, if its pages get mangled.
    pub mojibake: Option<&'static Encoding>,
    /// Whether it uses typographic quotes (which is what mojibake then shows).
    pub curly: bool,
}

/// The ten sites, in several languages.
pub const SITES: &[Site] = &[
    Site {
        slug: "dailyherald",
        header: &[
            "Stay up to date with notifications from The Daily Herald",
            "Notifications can be managed in browser preferences.",
            "Home | World | Business | Sport | Culture",
        ],
        footer: &[
            "Share this article: Facebook Twitter Email",
            "Register for free to continue reading. Already have an account? Log in",
            "© 2024 The Daily Herald. All rights reserved.",
        ],
        inline: &[
            "Your support helps us to tell the story",
            "Advertisement",
            "Read more: the latest news from our correspondents",
        ],
        byline_prefix: "By ",
        mojibake: Some(WINDOWS_1257),
        curly: true,
    },
    Site {
        slug: "wire-mirror",
        header: &["Skip to main content", "Latest | Trending | Video"],
        footer: &[
            "Leave a Reply",
            "Your email address will not be published. Required fields are marked *",
            "Previous post: Markets close higher  Next post: Weather warning issued",
        ],
        inline: &["Sponsored content"],
        byline_prefix: "Posted by ",
        mojibake: None,
        curly: false,
    },
    Site {
        slug: "rundschau",
        header: &[
            "Wir verwenden Cookies, um Ihnen das beste Erlebnis zu bieten. Akzeptieren",
            "Startseite > Politik > Ausland",
        ],
        footer: &[
            "Jetzt den Newsletter abonnieren und keine Nachricht verpassen!",
            "Artikel teilen: Facebook | X | WhatsApp | E-Mail",
            "© 2024 Rundschau Verlag GmbH",
        ],
        inline: &[
            "Anzeige",
            "Lesen Sie auch: Was die Wahl für Europa bedeutet",
        ],
        byline_prefix: "Von ",
        mojibake: Some(WINDOWS_1252),
        curly: true,
    },
    Site {
        slug: "lemonde-regional",
        header: &[
            "Nous utilisons des cookies pour améliorer votre expérience. Tout accepter",
            "Accueil › International › Asie",
        ],
        footer: &[
            "Abonnez-vous à notre newsletter quotidienne",
            "Partager : Facebook Twitter LinkedIn",
            "© Le Quotidien Régional 2024 – Tous droits réservés",
        ],
        inline: &["Publicité", "À lire aussi : les dernières informations"],
        byline_prefix: "Par ",
        mojibake: Some(WINDOWS_1252),
        curly: true,
    },
    Site {
        slug: "diario-sur",
        header: &[
            "Este sitio utiliza cookies. Al continuar navegando acepta su uso.",
            "Portada | Internacional | Economía | Deportes",
        ],
        footer: &[
            "Suscríbete a nuestro boletín y recibe las noticias del día",
            "Compartir en: Facebook Twitter WhatsApp",
            "© 2024 Diario del Sur. Todos los derechos reservados.",
        ],
        inline: &["Publicidad", "Lea también: las claves de la jornada"],
        byline_prefix: "Por ",
        mojibake: Some(WINDOWS_1252),
        curly: false,
    },
    Site {
        slug: "folha-norte",
        header: &[
            "Assine já e tenha acesso ilimitado ao conteúdo",
            "Início › Mundo",
        ],
        footer: &[
            "Receba as notícias mais importantes no seu e-mail",
            "Compartilhe: Facebook Twitter WhatsApp",
            "© 2024 Folha do Norte. Todos os direitos reservados.",
        ],
        inline: &["Publicidade", "Leia também: o que muda com a nova lei"],
        byline_prefix: "Por ",
        mojibake: Some(WINDOWS_1252),
        curly: true,
    },
    Site {
        slug: "riga-zinas",
        header: &[
            "Šī vietne izmanto sīkdatnes. Piekrītu",
            "Sākums | Latvijā | Pasaulē | Ekonomika",
        ],
        footer: &[
            "Pierakstieties mūsu jaunumu vēstulei",
            "Dalīties: Facebook X E-pasts",
            "© 2024 Rīgas Ziņas. Visas tiesības aizsargātas.",
        ],
        inline: &["Reklāma", "Lasiet arī: jaunākās ziņas no pasaules"],
        byline_prefix: "Autors: ",
        mojibake: Some(WINDOWS_1257),
        curly: true,
    },
    Site {
        slug: "vilnius-dienos",
        header: &[
            "Šioje svetainėje naudojami slapukai. Sutinku",
            "Pradžia › Pasaulis",
        ],
        footer: &[
            "Užsisakykite mūsų naujienlaiškį",
            "Dalintis: Facebook X El. paštas",
            "© 2024 Vilniaus dienos. Visos teisės saugomos.",
        ],
        inline: &[
            "Reklama",
            "Taip pat skaitykite: svarbiausios dienos naujienos",
        ],
        byline_prefix: "Autorius: ",
        mojibake: Some(WINDOWS_1257),
        curly: true,
    },
    Site {
        slug: "gazeta-wschod",
        header: &[
            "Ta strona używa plików cookie. Akceptuję",
            "Strona główna | Świat | Kraj",
        ],
        footer: &[
            "Zapisz się do naszego newslettera",
            "Udostępnij: Facebook X E-mail",
            "© 2024 Gazeta Wschodnia. Wszelkie prawa zastrzeżone.",
        ],
        inline: &["Reklama", "Czytaj także: najważniejsze wydarzenia dnia"],
        byline_prefix: "Autor: ",
        mojibake: None,
        curly: true,
    },
    Site {
        slug: "citizen-press",
        header: &[
            "Support independent journalism. Donate now",
            "Menu  Search  Subscribe",
        ],
        footer: &[
            "If you value our reporting, please consider a donation of any size.",
            "Sign up for our newsletter to get the day's top stories",
            "Copyright 2024 Citizen Press Ltd",
        ],
        inline: &[
            "Advertisement",
            "Related: Ministers meet as talks stall",
            "Click here to subscribe",
        ],
        byline_prefix: "Written by ",
        mojibake: Some(WINDOWS_1252),
        curly: true,
    },
];

/// Bylines.
pub const NAMES: &[&str] = &[
    "Rod Harper",
    "Anna Müller",
    "José Álvarez",
    "Ilze Bērziņa",
    "Tomas Žukauskas",
    "Marie Dubois",
    "Kwame Mensah",
    "Priya Natarajan",
    "Chen Wei",
    "Agnieszka Wójcik",
];

/// Month names for datelines.
pub const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Word swaps for lightly edited copies.
pub const EDITS: &[(&str, &str)] = &[
    (" said ", " stated "),
    (" the ", " this "),
    (" has ", " had "),
    (" will ", " would "),
    (" which ", " that "),
    (" also ", " further "),
    (" after ", " following "),
];
