"""Display labels of the enumerations (French by default, English available).

Data keys stay English; these are the words people read.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "fr": {
        "challenge_status": {"open": "Ouvert", "closed": "Clos"},
        "stage": {"proposed": "Proposé", "accepted": "Retenu", "archived": "Archivé"},
        "status": {
            "proposed": "Proposé",
            "open": "En financement",
            "minimum-reached": "Objectif minimum atteint",
            "stretch-reached": "Objectif haut atteint",
            "unfunded": "Non financé",
            "archived": "Archivé",
        },
        "maturity": {
            "idea": "Idée",
            "prototype": "Prototype",
            "beta": "Bêta",
            "stable": "Stable",
            "obsolete": "Obsolète",
        },
        "resource_type": {
            "software": "Logiciel",
            "data": "Données",
            "standard": "Standard",
            "knowledge": "Connaissances",
            "hardware": "Matériel",
            "service": "Service",
        },
        "need": {
            "funding": "Financement",
            "skills": "Compétences",
            "data": "Données",
            "testing": "Tests",
            "hosting": "Hébergement",
            "animation": "Animation",
            "other": "Autre",
        },
        "kind": {
            "company": "Entreprises",
            "startup": "Startups",
            "public-body": "Acteurs publics",
            "association": "Associations",
            "research": "Recherche",
            "citizen-group": "Collectifs citoyens",
            "other": "Autres",
        },
        "kind_one": {
            "company": "Entreprise",
            "startup": "Startup",
            "public-body": "Acteur public",
            "association": "Association",
            "research": "Recherche",
            "citizen-group": "Collectif citoyen",
            "other": "Autre",
        },
        "role": {
            "funder": "Financeur",
            "contributor": "Contributeur",
            "user": "Utilisateur",
            "maintainer": "Mainteneur",
        },
        "roles": {
            "funder": "Financeurs",
            "contributor": "Contributeurs",
            "user": "Utilisateurs",
            "maintainer": "Mainteneurs",
        },
        "money_status": {"pledged": "promis", "confirmed": "confirmé", "paid": "versé"},
        "progress": {
            "no-goal": "Sans objectif de financement",
            "none": "Rien de sécurisé",
            "started": "Moins de la moitié",
            "half": "La moitié ou plus",
            "reached": "Objectif atteint",
        },
    },
    "en": {
        "challenge_status": {"open": "Open", "closed": "Closed"},
        "stage": {"proposed": "Proposed", "accepted": "Accepted", "archived": "Archived"},
        "status": {
            "proposed": "Proposed",
            "open": "Raising funds",
            "minimum-reached": "Minimum reached",
            "stretch-reached": "Stretch goal reached",
            "unfunded": "Unfunded",
            "archived": "Archived",
        },
        "maturity": {
            "idea": "Idea",
            "prototype": "Prototype",
            "beta": "Beta",
            "stable": "Stable",
            "obsolete": "Obsolete",
        },
        "resource_type": {
            "software": "Software",
            "data": "Data",
            "standard": "Standard",
            "knowledge": "Knowledge",
            "hardware": "Hardware",
            "service": "Service",
        },
        "need": {
            "funding": "Funding",
            "skills": "Skills",
            "data": "Data",
            "testing": "Testing",
            "hosting": "Hosting",
            "animation": "Facilitation",
            "other": "Other",
        },
        "kind": {
            "company": "Companies",
            "startup": "Startups",
            "public-body": "Public bodies",
            "association": "Associations",
            "research": "Research",
            "citizen-group": "Citizen groups",
            "other": "Others",
        },
        "kind_one": {
            "company": "Company",
            "startup": "Startup",
            "public-body": "Public body",
            "association": "Association",
            "research": "Research",
            "citizen-group": "Citizen group",
            "other": "Other",
        },
        "role": {
            "funder": "Funder",
            "contributor": "Contributor",
            "user": "User",
            "maintainer": "Maintainer",
        },
        "roles": {
            "funder": "Funders",
            "contributor": "Contributors",
            "user": "Users",
            "maintainer": "Maintainers",
        },
        "money_status": {"pledged": "pledged", "confirmed": "confirmed", "paid": "paid"},
        "progress": {
            "no-goal": "No funding goal",
            "none": "Nothing secured",
            "started": "Less than half",
            "half": "Half or more",
            "reached": "Goal reached",
        },
    },
}


def label(value: str, group: str, language: str = "fr") -> str:
    """The display label of an enumeration value; the value itself when none is known."""
    table = LABELS.get(language.split("_")[0], LABELS["fr"])
    return table.get(group, {}).get(value, value)
