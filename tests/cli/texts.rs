//! Short articles written for these tests (not copied from anywhere), in several languages.

/// English, plain ASCII.
pub const FERRY_EN: &str = "Harbour ferry service resumes after two-day storm closure

The city's harbour ferries returned to their normal timetable on Tuesday morning after high winds kept the fleet tied up for two days.

Operators said the first crossing left at 6:15 and carried about forty commuters, most of whom had been driving the long way round the bay since Sunday.

Engineers checked the landing stages overnight and found only minor damage to a railing at the northern pier.
";

/// German, with umlauts and ß.
pub const RADWEG_DE: &str = "Stadtrat beschließt neuen Radweg am Flussufer

Nach monatelanger Debatte hat der Stadtrat am Donnerstagabend den Bau eines 3,2 Kilometer langen Radwegs entlang des Flussufers beschlossen.

Die Kosten von rund 1,8 Millionen Euro übernimmt zur Hälfte das Land. Anwohner hatten sich über fehlende Parkplätze beschwert, doch die Mehrheit stimmte für das Projekt.
";

/// French, with accents (also written as windows-1252 bytes in the hostile test).
pub const MARCHE_FR: &str = "Le marché couvert rouvre ses portes après deux ans de travaux

Les habitants ont retrouvé samedi matin leur marché couvert, fermé depuis l'été 2022 pour une rénovation complète de la charpente.

Une trentaine de commerçants se sont installés sous la nouvelle verrière. « C'est un soulagement », a déclaré une fromagère présente depuis vingt ans.
";

/// Latvian, with long vowels and soft consonants.
pub const TILTS_LV: &str = "Rīgā atklāj atjaunoto gājēju tiltu pār Daugavu

Pēc pusotra gada remonta pirmdien satiksmei atklāts gājēju un velosipēdistu tilts, kas savieno Ķīpsalu ar Vecrīgu.

Būvdarbi izmaksāja 4,6 miljonus eiro. Pilsētas dome sola, ka nākamgad tiks atjaunots arī apgaismojums krastmalā.
";

/// Spanish.
pub const SEQUIA_ES: &str = "La sequía obliga a restringir el riego en tres comarcas

La confederación hidrográfica anunció el lunes nuevas restricciones al riego agrícola después de un invierno con lluvias un 40 % por debajo de la media.

Los agricultores podrán regar dos días por semana hasta nuevo aviso. Las organizaciones del sector pidieron ayudas directas para compensar las pérdidas.
";

/// Lithuanian.
pub const MOKYKLA_LT: &str = "Kaune atidaryta nauja mokykla šešiems šimtams mokinių

Rugsėjo pirmąją duris atvėrė nauja progimnazija, kurioje mokysis beveik šeši šimtai vaikų iš sparčiai augančio rajono.

Statybos truko dvejus metus, o mokykloje įrengta sporto salė, biblioteka ir valgykla.
";

/// English, saved as UTF-16BE without a byte-order mark in the hostile test.
pub const FROST_EN: &str = "Early frost threatens apple harvest in the valley

Growers woke to temperatures of minus three degrees on Wednesday, a fortnight earlier than the first frost of most years.

Several orchards ran sprinklers through the night so that a thin layer of ice would protect the blossom, a method that works only while the water keeps flowing.
";

/// Every text above.
pub const ALL: &[&str] = &[
    FERRY_EN, RADWEG_DE, MARCHE_FR, TILTS_LV, SEQUIA_ES, MOKYKLA_LT, FROST_EN,
];

/// The first line of `text`.
pub fn title_of(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}
