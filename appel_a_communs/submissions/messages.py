"""French wording of the validation messages, for the French half of rejection reports.

Messages are written once, in English, where the rule lives; this table renders their
phrases in French. An unknown phrase stays in English rather than being lost.
"""

from __future__ import annotations

FRENCH: tuple[tuple[str, str], ...] = (
    ("required key is missing", "champ obligatoire manquant"),
    ("did you mean", "vouliez-vous dire"),
    ("unknown key (this value comes from the file itself)", "champ inconnu (fixé par le fichier)"),
    ("unknown key", "champ inconnu"),
    ("known keys", "champs connus"),
    ("is not a valid amount", "n’est pas un montant valide"),
    (
        "exponent notation is not allowed; write the digits out",
        "pas de notation exponentielle : écrivez les chiffres",
    ),
    (
        "use a dot for decimals and no thousands separator",
        "utilisez un point pour les décimales, sans séparateur de milliers",
    ),
    ("must be positive", "doit être positif"),
    ("at most two decimals", "deux décimales au plus"),
    ("use ASCII digits 0-9 only", "chiffres 0 à 9 uniquement"),
    ("no leading zero", "pas de zéro en tête"),
    ("no spaces or thousands separators", "ni espaces ni séparateurs de milliers"),
    ("expected an amount such as", "montant attendu, par exemple"),
    ("is not a valid number of days", "n’est pas un nombre de jours valide"),
    ("positive, at most one decimal", "positif, une décimale au plus"),
    ("days must be greater than 0", "le nombre de jours doit être supérieur à 0"),
    ("is not a valid slug", "n’est pas un identifiant valide"),
    (
        "use lowercase ASCII letters, digits and single hyphens",
        "minuscules sans accents, chiffres et tirets simples",
    ),
    ("must fit on one line", "doit tenir sur une ligne"),
    ("must not be empty", "ne doit pas être vide"),
    ("at most 200 characters", "200 caractères au plus"),
    ("this one has", "celui-ci en a"),
    ("is not a valid date: write YYYY-MM-DD", "n’est pas une date valide : écrivez AAAA-MM-JJ"),
    (
        "is not allowed: only http:// and https:// URLs are",
        "n’est pas autorisée : seules les adresses http:// et https:// le sont",
    ),
    ("has no host name", "n’a pas de nom de domaine"),
    ("is not a valid SPDX licence expression", "n’est pas une expression de licence SPDX valide"),
    (
        "a licence (SPDX expression) is required once a common is accepted",
        "une licence (expression SPDX) est obligatoire une fois le commun retenu",
    ),
    ("is not an ISO 4217 currency code", "n’est pas un code de devise ISO 4217"),
    (
        "contains a bidirectional control character",
        "contient un caractère de contrôle bidirectionnel",
    ),
    ("contains an invisible character", "contient un caractère invisible"),
    ("contains a control character", "contient un caractère de contrôle"),
    ("is taken by", "est déjà pris par"),
    ("is taken", "est déjà pris"),
    ("exists", "existe"),
    ("register it first", "inscrivez-le d’abord"),
    ("no actor", "aucun acteur"),
    ("no common", "aucun commun"),
    ("no challenge", "aucun défi"),
    ("is archived and takes no more pledges", "est archivé et ne reçoit plus d’engagements"),
    ("the money pledged", "l’argent engagé"),
    ("conditional pledges included", "engagements conditionnels compris"),
    ("is more than the allowance of", "dépasse l’enveloppe de"),
    ("more than max_per_actor_per_common", "plus que max_per_actor_per_common"),
    ("is outside the campaign", "est en dehors de la campagne"),
    ("is above its stretch goal", "dépasse son objectif haut"),
    ("expected a list", "une liste est attendue"),
    ("expected a mapping of keys (key: value)", "un ensemble de champs est attendu"),
    ("expected text", "du texte est attendu"),
    ("expected true or false", "true ou false attendu"),
    ("expected a whole number", "nombre entier attendu"),
    ("is not one of", "n’est pas parmi"),
    ("needs at least one item", "au moins un élément est requis"),
    (
        "is set by maintainers: a proposal is 'proposed'",
        "est fixé par l’équipe de l’appel : une proposition est « proposed »",
    ),
    (
        "is set by maintainers: a proposed challenge is 'open'",
        "est fixé par l’équipe de l’appel : un défi proposé est « open »",
    ),
    ("is set by the submission processor", "est fixé par le traitement des soumissions"),
    (
        "a pledge brings money, skills or means (to join only, use the join form)",
        "un engagement apporte de l’argent, des compétences ou des moyens "
        "(pour seulement rejoindre, utilisez le formulaire « Rejoindre un commun »)",
    ),
    (
        "a join brings no money, skills or means: use the pledge form",
        "rejoindre n’apporte ni argent, ni compétences, ni moyens : "
        "utilisez le formulaire « M’engager »",
    ),
    (
        "a condition needs total_at_least or funders_at_least",
        "une condition précise total_at_least ou funders_at_least",
    ),
    ("is not an ISO 8601 date and time", "n’est pas une date et heure ISO 8601"),
    ("not an e-mail address", "n’est pas une adresse e-mail"),
    ("not a valid envelope file", "fichier de soumission illisible"),
    ("cannot be read", "illisible"),
    ("form field", "champ du formulaire"),
    ("escapes content/", "sort du dossier content/"),
)


def in_french(message: str) -> str:
    for english, french in FRENCH:
        message = message.replace(english, french)
    return message
