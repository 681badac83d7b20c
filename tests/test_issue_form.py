"""Reading pledge issues back from the bodies GitHub writes for issue forms."""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import write
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from appel_a_communs.submissions.cli import main
from appel_a_communs.submissions.issue_body import (
    MAX_REPEATED_HEADINGS,
    NO_RESPONSE,
    Value,
    parse_issue_body,
)
from appel_a_communs.submissions.issue_forms import issue_form, submission_label
from appel_a_communs.submissions.issue_template import IssueFormError, form_fields, load_template
from appel_a_communs.vocabulary.forms import FORMS, SUBMISSION_TYPES, fields_to_data, option_text

FORM_FIELDS = {kind: {f.id: f for f in fields} for kind, (_, fields) in FORMS.items()}

PLEDGE_TEMPLATE = """\
name: Engagement
description: S'engager à soutenir un commun
title: "[Engagement] "
labels: ["engagement"]
body:
  - type: markdown
    attributes:
      value: |
        Merci de soutenir un commun ! Chaque engagement est relu avant publication.
  - type: input
    id: actor
    attributes:
      label: Acteur
      description: Votre organisation ou votre nom.
      placeholder: "Exemple : Fondation Exemple"
    validations:
      required: true
  - type: input
    id: common
    attributes:
      label: Commun soutenu
    validations:
      required: true
  - type: markdown
    attributes:
      value: "## Votre engagement"
  - type: dropdown
    id: role
    attributes:
      label: Rôle
      options:
        - Financeur (funder)
        - Contributeur en compétences (skills)
        - Utilisateur, testeur (user, tester)
    validations:
      required: true
  - type: input
    id: money_amount
    attributes:
      label: Montant (en euros)
    validations:
      required: false
  - type: textarea
    id: note
    attributes:
      label: Note
  - type: textarea
    id: skills_description
    attributes:
      label: Compétences apportées
      render: markdown
  - type: dropdown
    id: resource_types
    attributes:
      label: Types de ressources
      multiple: true
      options:
        - Argent
        - Temps de développement
        - Hébergement
        - Hébergement, infrastructure
        - Traduction
  - type: markdown
    attributes:
      value: Relisez la charte avant d'envoyer.
  - type: checkboxes
    id: charter
    attributes:
      label: Charte
      options:
        - label: "J'accepte la [charte des communs](https://example.org/charte)"
          required: true
        - label: Je souhaite être recontacté·e
"""

CHARTER = "J'accepte la [charte des communs](https://example.org/charte)"
RECONTACT = "Je souhaite être recontacté·e"

# Exactly what GitHub writes when every field is filled in.
FULL_BODY = """\
### Acteur

Fondation Exemple 🌱

### Commun soutenu

Cartographie ouverte des tiers-lieux

### Rôle

Financeur (funder)

### Montant (en euros)

2500

### Note

Nous soutenons ce commun depuis 2023.

Le versement se fera en deux fois, à l’été 🌞.

### Compétences apportées

```markdown
- Relecture juridique
- Traduction en **breton**
```

### Types de ressources

Argent, Hébergement, infrastructure

### Charte

- [X] J'accepte la [charte des communs](https://example.org/charte)
- [ ] Je souhaite être recontacté·e"""

FULL_VALUES = {
    "actor": "Fondation Exemple 🌱",
    "common": "Cartographie ouverte des tiers-lieux",
    "role": "Financeur (funder)",
    "money_amount": "2500",
    "note": (
        "Nous soutenons ce commun depuis 2023.\n\nLe versement se fera en deux fois, à l’été 🌞."
    ),
    "skills_description": "- Relecture juridique\n- Traduction en **breton**",
    "resource_types": ["Argent", "Hébergement, infrastructure"],
    "charter": [CHARTER],
}


@pytest.fixture
def template(tmp_path: Path) -> dict:
    path = tmp_path / "engagement.yml"
    path.write_text(PLEDGE_TEMPLATE, encoding="utf-8")
    return load_template(path)


def replace_section(body: str, label: str, value: str) -> str:
    """The body with the value under ``### <label>`` replaced, as a user edit would."""
    head = f"### {label}\n\n"
    start = body.index(head) + len(head)
    end = body.find("\n\n### ", start)
    return body[:start] + value + ("" if end == -1 else body[end:])


def drop_section(body: str, label: str) -> str:
    """The body without the section ``### <label>``, as if the template had no such field."""
    head = f"### {label}\n\n"
    start = body.index(head)
    end = body.find("\n\n### ", start)
    return body[:start] + body[end + 2 :] if end != -1 else body[:start].rstrip("\n")


def test_form_fields_describe_the_non_markdown_elements(template):
    fields = form_fields(template)

    assert [f["id"] for f in fields] == list(FULL_VALUES)
    by_id = {f["id"]: f for f in fields}
    assert by_id["role"] == {
        "id": "role",
        "type": "dropdown",
        "label": "Rôle",
        "required": True,
        "options": [
            "Financeur (funder)",
            "Contributeur en compétences (skills)",
            "Utilisateur, testeur (user, tester)",
        ],
        "multiple": False,
        "render": None,
    }
    assert by_id["resource_types"]["multiple"] is True
    assert by_id["skills_description"]["render"] == "markdown"
    assert by_id["note"]["required"] is False
    assert by_id["money_amount"]["required"] is False
    # One required checkbox makes the whole section required.
    assert by_id["charter"]["required"] is True
    assert by_id["charter"]["options"] == [CHARTER, RECONTACT]


def test_every_field_filled(template):
    assert parse_issue_body(template, FULL_BODY) == FULL_VALUES


def test_no_response_gives_none_and_empty_lists(template):
    body = FULL_BODY
    for label in ("Montant (en euros)", "Note", "Compétences apportées", "Types de ressources"):
        body = replace_section(body, label, "_No response_")

    values = parse_issue_body(template, body)

    assert values["money_amount"] is None
    assert values["note"] is None
    assert values["skills_description"] is None
    assert values["resource_types"] == []
    assert values["actor"] == "Fondation Exemple 🌱"
    assert values["charter"] == [CHARTER]


def test_none_is_the_non_choice_of_a_dropdown(template):
    body = replace_section(FULL_BODY, "Types de ressources", "None")
    assert parse_issue_body(template, body)["resource_types"] == []


def test_empty_checkboxes(template):
    body = replace_section(FULL_BODY, "Charte", f"- [ ] {CHARTER}\n- [ ] {RECONTACT}")
    assert parse_issue_body(template, body)["charter"] == []


@pytest.mark.parametrize("mark", ["x", "X"])
def test_checked_boxes_in_either_case(template, mark):
    body = replace_section(FULL_BODY, "Charte", f"- [{mark}] {CHARTER}\n- [{mark}] {RECONTACT}")
    assert parse_issue_body(template, body)["charter"] == [CHARTER, RECONTACT]


def test_mixed_check_marks(template):
    body = replace_section(FULL_BODY, "Charte", f"- [x] {CHARTER}\n- [X] {RECONTACT}")
    assert parse_issue_body(template, body)["charter"] == [CHARTER, RECONTACT]


def test_multi_paragraph_text_keeps_its_paragraphs(template):
    note = "Premier paragraphe.\n\nDeuxième paragraphe,\nsur deux lignes.\n\n\nTroisième."
    values = parse_issue_body(template, replace_section(FULL_BODY, "Note", note))
    assert values["note"] == note
    assert values["skills_description"] == FULL_VALUES["skills_description"]


def test_heading_lines_in_text_that_are_not_the_next_label_stay_in_the_value(template):
    note = textwrap.dedent("""\
        ### Contexte

        Le commun manque de relecteurs.

        ### Rôle

        Nous relirons chaque version.

        ### Types de ressources à venir

        Peut-être de l'hébergement.""")
    values = parse_issue_body(template, replace_section(FULL_BODY, "Note", note))

    assert values["note"] == note
    assert values["role"] == "Financeur (funder)"
    assert values["resource_types"] == FULL_VALUES["resource_types"]


def test_next_label_inside_a_fenced_block_is_not_a_section(template):
    note = textwrap.dedent("""\
        Voici le modèle que nous utilisons :

        ```markdown
        ### Compétences apportées

        À compléter.
        ```

        ~~~
        ### Types de ressources
        ~~~

        Fin de la note.""")
    values = parse_issue_body(template, replace_section(FULL_BODY, "Note", note))

    assert values["note"] == note
    assert values["skills_description"] == FULL_VALUES["skills_description"]
    assert values["resource_types"] == FULL_VALUES["resource_types"]


def test_an_input_edited_into_several_lines_is_refused_not_merged(template):
    # Someone edited the issue and pasted a snippet under "Commun soutenu", a one-line
    # input: its heading of a later field stays where it was typed, and the input is
    # refused rather than silently holding seven lines.
    common = textwrap.dedent("""\
        Cartographie ouverte des tiers-lieux

        ```
        ### Rôle

        Utilisateur, testeur (user, tester)
        ```""")
    with pytest.raises(IssueFormError, match="“### Commun soutenu” is a one-line answer") as exc:
        parse_issue_body(template, replace_section(FULL_BODY, "Commun soutenu", common))
    assert exc.value.field == "common"


def test_render_fence_is_removed_but_the_users_fences_stay(template):
    skills = textwrap.dedent("""\
        Exemple de configuration :

        ```yaml
        ### Types de ressources
        langue: fr
        ```

        Merci !""")
    body = replace_section(FULL_BODY, "Compétences apportées", f"```markdown\n{skills}\n```")

    values = parse_issue_body(template, body)

    assert values["skills_description"] == skills
    assert values["resource_types"] == FULL_VALUES["resource_types"]


def test_render_fence_around_text_that_ends_with_a_fence(template):
    skills = "```sh\nmake test\n```"
    body = replace_section(FULL_BODY, "Compétences apportées", f"```markdown\n{skills}\n```")
    assert parse_issue_body(template, body)["skills_description"] == skills


def test_a_fence_in_a_plain_textarea_is_kept(template):
    note = "```\nfenced by the user\n```"
    assert parse_issue_body(template, replace_section(FULL_BODY, "Note", note))["note"] == note


def test_a_fence_left_open_to_the_end_does_not_swallow_the_following_sections(template):
    # Nothing later closes the user's fence (the rendered textarea was left empty), so
    # it is a typo, not code running to the end of the issue.
    note = "Voir le dépôt :\n```\ngit clone https://example.org/commun.git"
    body = replace_section(FULL_BODY, "Note", note)
    body = replace_section(body, "Compétences apportées", "_No response_")

    values = parse_issue_body(template, body)

    assert values["note"] == note
    assert values["skills_description"] is None
    assert values["resource_types"] == FULL_VALUES["resource_types"]
    assert values["charter"] == [CHARTER]


def test_crlf_bodies(template):
    values = parse_issue_body(template, FULL_BODY.replace("\n", "\r\n"))

    assert values == FULL_VALUES
    assert all("\r" not in v for v in values.values() if isinstance(v, str))


@pytest.mark.parametrize(
    ("rendered", "expected"),
    [
        ("Hébergement, infrastructure, Traduction", ["Hébergement, infrastructure", "Traduction"]),
        ("Hébergement, Traduction", ["Hébergement", "Traduction"]),
        ("Hébergement, infrastructure", ["Hébergement, infrastructure"]),
        (
            "Argent, Temps de développement, Hébergement, Hébergement, infrastructure",
            ["Argent", "Temps de développement", "Hébergement", "Hébergement, infrastructure"],
        ),
        ("Traduction", ["Traduction"]),
    ],
)
def test_multiple_dropdown_options_containing_a_comma(template, rendered, expected):
    body = replace_section(FULL_BODY, "Types de ressources", rendered)
    assert parse_issue_body(template, body)["resource_types"] == expected


def test_single_dropdown_option_containing_a_comma(template):
    role = "Utilisateur, testeur (user, tester)"
    assert parse_issue_body(template, replace_section(FULL_BODY, "Rôle", role))["role"] == role


NATURE = {
    "body": [
        {
            "type": "dropdown",
            "id": "kinds",
            "attributes": {
                "label": "Nature",
                "multiple": True,
                "options": [
                    "code, documentation",
                    "code",
                    "documentation",
                    "documentation, traduction",
                ],
            },
        }
    ]
}


def test_multiple_dropdown_split_backtracks_over_options_containing_commas():
    assert parse_issue_body(NATURE, "### Nature\n\ncode, documentation, traduction") == {
        "kinds": ["code", "documentation, traduction"]
    }
    # Both readings use known options only: the longest option wins.
    assert parse_issue_body(NATURE, "### Nature\n\ncode, documentation") == {
        "kinds": ["code, documentation"]
    }


def test_multiple_dropdown_unknown_piece_is_an_error_naming_it():
    with pytest.raises(IssueFormError, match="“bénévolat” is not one of the options") as exc:
        parse_issue_body(NATURE, "### Nature\n\ncode, bénévolat, code, documentation")
    assert exc.value.field == "kinds"


@pytest.mark.parametrize("label", ["Commun soutenu", "Rôle", "Charte"])
def test_missing_required_section_is_an_error(template, label):
    with pytest.raises(IssueFormError, match=f"### {label}"):
        parse_issue_body(template, drop_section(FULL_BODY, label))


def test_missing_required_section_in_an_empty_body(template):
    with pytest.raises(IssueFormError, match="### Acteur"):
        parse_issue_body(template, "")


def test_missing_optional_sections(template):
    body = drop_section(drop_section(FULL_BODY, "Montant (en euros)"), "Types de ressources")
    assert "### Montant" not in body

    values = parse_issue_body(template, body)

    assert values == {**FULL_VALUES, "money_amount": None, "resource_types": []}


def test_text_before_the_first_section_is_ignored(template):
    edited = (
        textwrap.dedent("""\
        **Mise à jour du 3 mars :** montant corrigé après échange avec l'équipe.

        ### Note

        Ce titre précède le formulaire et n'est pas une section.

        ---

        """)
        + FULL_BODY
    )

    assert parse_issue_body(template, edited) == FULL_VALUES


def test_headings_with_trailing_spaces(template):
    body = FULL_BODY.replace("### Rôle\n", "### Rôle   \n").replace("### Note\n", "### Note\t\n")
    assert parse_issue_body(template, body) == FULL_VALUES


def test_non_ascii_labels_and_values(template):
    # An editor may store "ô" and "é" decomposed; the body still names the same labels.
    body = unicodedata.normalize("NFD", FULL_BODY)
    values = parse_issue_body(template, body)

    assert values["actor"].endswith("🌱")
    assert unicodedata.normalize("NFC", values["note"]) == FULL_VALUES["note"]
    assert values["role"] == "Financeur (funder)"
    assert values["money_amount"] == "2500"


def test_a_field_without_id_still_ends_the_previous_value():
    template = {
        "body": [
            {"type": "textarea", "id": "story", "attributes": {"label": "Histoire"}},
            {"type": "input", "attributes": {"label": "Contact"}},
            {"type": "input", "id": "city", "attributes": {"label": "Ville"}},
        ]
    }
    body = (
        "### Histoire\n\nIl était une fois.\n\n"
        "### Contact\n\nmoi@example.org\n\n"
        "### Ville\n\nNantes"
    )
    assert parse_issue_body(template, body) == {"story": "Il était une fois.", "city": "Nantes"}


def test_duplicate_labels_are_walked_in_order():
    template = {
        "body": [
            {"type": "input", "id": "first", "attributes": {"label": "Nom"}},
            {"type": "input", "id": "second", "attributes": {"label": "Nom"}},
        ]
    }
    body = "### Nom\n\nAda\n\n### Nom\n\nLovelace"
    assert parse_issue_body(template, body) == {"first": "Ada", "second": "Lovelace"}


def test_load_template_needs_a_body_list(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("name: Engagement\ndescription: sans corps\n", encoding="utf-8")
    with pytest.raises(IssueFormError, match="body"):
        load_template(path)


def test_unquoted_yaml_boolean_option_is_refused():
    template = {
        "body": [
            {
                "type": "dropdown",
                "id": "ok",
                "attributes": {"label": "D'accord ?", "options": [True]},
            }
        ]
    }
    with pytest.raises(IssueFormError, match=r"options\[0\]"):
        form_fields(template)


# --- sections: a heading typed in a value stays in that value --------------------------


def github_body(template: dict, values: dict) -> str:
    """The body GitHub writes for an issue form submitted with ``values`` (id → value)."""
    sections = []
    for field in form_fields(template):
        value = values.get(field["id"] or field["label"])
        if field["type"] == "checkboxes":
            chosen = value or []
            text = "\n".join(f"- [{'X' if o in chosen else ' '}] {o}" for o in field["options"])
        elif not value:
            text = NO_RESPONSE
        elif field["type"] == "dropdown":
            text = ", ".join(value) if isinstance(value, list) else value
        elif field["render"]:
            text = f"```{field['render']}\n{value}\n```"
        else:
            text = value
        sections.append(f"### {field['label']}\n\n{text}")
    return "\n\n".join(sections)


def labels_of(template: dict) -> dict[str, str]:
    return {f["id"]: f["label"] for f in form_fields(template)}


COMMON_FORM = issue_form("propose-common")
COMMON_LABELS = labels_of(COMMON_FORM)
COMMON_VALUES = {
    "title": "Parking vélo partagé",
    "summary": "Des arceaux partagés.",
    "challenges": "mobilite",
    "proposed_by": "asso, ville",
    "maturity": option_text(FORM_FIELDS["propose-common"]["maturity"], "idea"),
    "website": "https://example.org",
    "governance": "Un comité se réunit chaque mois.",
    "needs": "testing: des testeurs\nhosting: un serveur",
    "body": "Le commun, sa communauté, ses règles.",
}


def common_values(**changes: str) -> dict:
    fields = form_fields(COMMON_FORM)
    values = {f["id"]: ([] if f["type"] == "checkboxes" or f["multiple"] else None) for f in fields}
    return {**values, **COMMON_VALUES, **changes}


def test_a_later_label_typed_in_governance_does_not_cut_it():
    # The defect: "### Besoins" typed in Gouvernance moved the rest of the governance text
    # into the needs, which became bogus needs.
    governance = textwrap.dedent(f"""\
        Un comité se réunit chaque mois.

        ### {COMMON_LABELS["needs"]}

        - un secrétariat
        - des statuts

        ### {COMMON_LABELS["deliverables"]}

        Un rapport par an.""")
    values = common_values(governance=governance)

    parsed = parse_issue_body(COMMON_FORM, github_body(COMMON_FORM, values))

    assert parsed == values
    needs = fields_to_data("propose-common", parsed)["needs"]
    assert needs == [
        {"kind": "testing", "description": "des testeurs"},
        {"kind": "hosting", "description": "un serveur"},
    ]


@pytest.mark.parametrize("textarea", ["governance", "needs", "deliverables", "body"])
def test_every_other_label_typed_in_a_textarea_stays_in_it(textarea):
    typed = "\n\n".join(
        f"### {label}\n\nTexte sous {label}."
        for field_id, label in COMMON_LABELS.items()
        if field_id != textarea
    )
    values = common_values(**{textarea: f"Début.\n\n{typed}\n\nFin."})
    assert parse_issue_body(COMMON_FORM, github_body(COMMON_FORM, values)) == values


def test_own_label_typed_after_an_input_is_told_apart():
    # Gouvernance follows Site web, an input: an input cannot hold the extra lines, so the
    # typed heading can only be part of the governance text.
    governance = f"### {COMMON_LABELS['governance']}\n\nUn comité se réunit chaque mois."
    values = common_values(governance=governance)
    assert parse_issue_body(COMMON_FORM, github_body(COMMON_FORM, values)) == values


def test_own_label_typed_after_a_textarea_is_read_as_part_of_the_earlier_one():
    # Deliberate, and documented: Besoins follows Gouvernance, a textarea. The body below
    # is what GitHub writes both when Besoins typed its own heading and when Gouvernance
    # typed "### Besoins"; it is read the second way, the typed heading staying in the
    # earlier textarea. No text is lost, and the needs' own text stays in the needs.
    needs_label = COMMON_LABELS["needs"]
    values = common_values(
        needs=f"testing: des testeurs\n\n### {needs_label}\n\nhosting: un serveur"
    )

    parsed = parse_issue_body(COMMON_FORM, github_body(COMMON_FORM, values))

    assert parsed["governance"] == (
        f"Un comité se réunit chaque mois.\n\n### {needs_label}\n\ntesting: des testeurs"
    )
    assert parsed["needs"] == "hosting: un serveur"


def test_a_heading_of_the_next_field_typed_without_a_fence(template):
    note = f"Voir plus bas.\n\n### Compétences apportées\n\n{CHARTER}"
    values = parse_issue_body(template, replace_section(FULL_BODY, "Note", note))
    assert values["note"] == note
    assert values["skills_description"] == FULL_VALUES["skills_description"]


def test_an_input_may_hold_a_heading_line_of_a_later_field(template):
    body = replace_section(FULL_BODY, "Montant (en euros)", "### Note")
    assert parse_issue_body(template, body) == {**FULL_VALUES, "money_amount": "### Note"}


# --- HTML comments ---------------------------------------------------------------------


def test_html_comments_are_removed_from_values(template):
    body = replace_section(
        FULL_BODY,
        "Note",
        "Avant <!-- caché --> après.\n\n<!--\n### Rôle\n\nvu nulle part\n-->\nFin.",
    )
    body = replace_section(body, "Acteur", "Fondation Exemple 🌱 <!-- à vérifier -->")
    body = replace_section(body, "Rôle", "<!-- choisir une option -->\nFinanceur (funder)")
    body = replace_section(
        body,
        "Charte",
        f"<!-- cochez -->\n- [X] {CHARTER}\n<!-- facultatif : -->\n- [ ] {RECONTACT}",
    )

    values = parse_issue_body(template, body)

    assert values == {**FULL_VALUES, "note": "Avant  après.\n\nFin."}


def test_a_value_that_is_only_a_comment_is_no_answer(template):
    body = replace_section(FULL_BODY, "Note", "<!-- Dites-nous en plus. -->")
    body = replace_section(body, "Montant (en euros)", "<!-- en euros -->")
    values = parse_issue_body(template, body)
    assert values["note"] is None and values["money_amount"] is None


def test_comments_in_code_and_unclosed_comments_are_kept(template):
    note = textwrap.dedent("""\
        Le gabarit utilise `<!-- marque -->` en ligne, et :

        ```html
        <!-- un commentaire dans du code -->
        ```

        ~~~
        <!--
        ~~~

        Un <!-- que rien ne ferme reste tel quel.""")
    skills = "<!-- dans le bloc de GitHub, le texte tel que tapé -->\n- Relecture"
    body = replace_section(FULL_BODY, "Note", note)
    body = replace_section(body, "Compétences apportées", f"```markdown\n{skills}\n```")

    values = parse_issue_body(template, body)

    assert values["note"] == note
    assert values["skills_description"] == skills


# --- what a field cannot hold is an error naming it ------------------------------------


def test_an_unknown_heading_after_a_dropdown_is_an_error_naming_the_field(template):
    body = replace_section(FULL_BODY, "Rôle", "Financeur (funder)\n\n### Remarques\n\nMerci.")
    with pytest.raises(IssueFormError, match="“### Remarques” is not a section") as exc:
        parse_issue_body(template, body)
    assert exc.value.field == "role" and "### Rôle" in str(exc.value)


def test_an_unknown_heading_after_checkboxes_is_an_error_naming_the_line(template):
    body = FULL_BODY + "\n\n### Remarques\n\nMerci."
    with pytest.raises(IssueFormError, match="“### Remarques” is not a section") as exc:
        parse_issue_body(template, body)
    assert exc.value.field == "charter" and "### Charte" in str(exc.value)


def test_an_unknown_heading_in_a_textarea_stays_in_it(template):
    note = "Première partie.\n\n### Remarques\n\nSeconde partie."
    assert parse_issue_body(template, replace_section(FULL_BODY, "Note", note))["note"] == note


def test_a_single_dropdown_answer_must_be_an_option(template):
    with pytest.raises(IssueFormError, match="“Mécène” is not one of the options") as exc:
        parse_issue_body(template, replace_section(FULL_BODY, "Rôle", "Mécène"))
    assert exc.value.field == "role"
    assert "Financeur (funder)" in str(exc.value)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("- [X] J'accepte tout", "is none of its checkboxes"),
        ("Je coche tout.", "is not a checkbox"),
        (f"- [ ] {RECONTACT}", "repeats a checkbox"),
    ],
)
def test_a_checkbox_line_that_is_no_option_is_an_error_naming_it(template, line, why):
    body = replace_section(FULL_BODY, "Charte", f"- [X] {CHARTER}\n- [ ] {RECONTACT}\n{line}")
    with pytest.raises(IssueFormError, match=re.escape(why)) as exc:
        parse_issue_body(template, body)
    assert exc.value.field == "charter"
    assert f"“{line}”" in str(exc.value)


@pytest.mark.parametrize(
    ("label", "empty"),
    [
        ("Montant (en euros)", None),
        ("Note", None),
        ("Compétences apportées", None),
        ("Types de ressources", []),
        ("Rôle", None),
    ],
)
@pytest.mark.parametrize("no_response", [r"\_No response\_", "_no response_", "_No response_"])
def test_escaped_no_response_is_no_answer(template, label, empty, no_response):
    field_id = {f["label"]: f["id"] for f in form_fields(template)}[label]
    values = parse_issue_body(template, replace_section(FULL_BODY, label, no_response))
    assert values == {**FULL_VALUES, field_id: empty}


# --- a parse error reaches the user as a rejection -------------------------------------


JOIN_FORM = issue_form("join")
JOIN_LABELS = labels_of(JOIN_FORM)
JOIN_VALUES = {
    "actor": "asso",
    "common": "covoit",
    "role": option_text(FORM_FIELDS["join"]["role"], "user"),
    "note": "Bonjour.",
}


@pytest.mark.parametrize(
    ("edit", "field_id", "problem"),
    [
        (
            lambda body: body.replace(
                JOIN_VALUES["role"], JOIN_VALUES["role"] + "\n\n### Remarques\n\nMerci."
            ),
            "role",
            "`### Remarques` is not a section of this form",
        ),
        (
            lambda body: body.replace(JOIN_VALUES["role"], "Mécène"),
            "role",
            "`Mécène` is not one of the options",
        ),
        (
            lambda body: body.replace("\n\nasso\n\n", "\n\nasso\nville\n\n"),
            "actor",
            "is a one-line answer, but it holds 2 lines",
        ),
        (
            lambda body: body.replace(f"### {JOIN_LABELS['actor']}", "### Acteur"),
            "actor",
            f"the required section “### `{JOIN_LABELS['actor']}`” is missing",
        ),
    ],
)
def test_an_unreadable_issue_is_rejected_with_its_id_and_field(
    site, httpserver: HTTPServer, capsys, edit, field_id, problem
):
    body = edit(github_body(JOIN_FORM, JOIN_VALUES))
    httpserver.expect_request("/repos/org/appel/issues/12").respond_with_json(
        {
            "number": 12,
            "labels": [{"name": submission_label("join")}],
            "created_at": "2026-11-20T10:00:00Z",
            "user": {"login": "user12"},
            "body": body,
        }
    )
    fetch = ["--root", str(site), "fetch", "github", "--repo", "org/appel",
             "--issue", "12", "--api-url", httpserver.url_for("")]  # fmt: skip
    assert main(fetch) == 0
    assert main(["--root", str(site), "process", "--today", "2026-11-26"]) == 0
    out, err = capsys.readouterr()

    report = (site / "submissions/rejected/github-12.report.md").read_text(encoding="utf-8")
    assert "Traceback" not in out + err + report
    assert "`github-12`" in report and "`github-12` (`join`)" in out
    assert report.count("\n- `") == 1  # one line, in the site's language: nothing else
    assert f"- `{field_id}` : le texte du ticket ne correspond pas à son formulaire : " in report
    assert problem not in report  # translated through the catalogue, parameters and all


def test_parse_issue_reports_a_body_that_does_not_fit(tmp_path, capsys):
    template = tmp_path / "join.yml"
    template.write_text(yaml.safe_dump(JOIN_FORM, allow_unicode=True), encoding="utf-8")
    body = tmp_path / "body.md"
    body.write_text(github_body(JOIN_FORM, {**JOIN_VALUES, "role": "Mécène"}), encoding="utf-8")

    assert main(["parse-issue", "--template", str(template), str(body)]) == 1
    err = capsys.readouterr().err
    assert "“Mécène” is not one of the options" in err and "Traceback" not in err

    template.write_text("body: [unclosed", encoding="utf-8")
    assert main(["parse-issue", "--template", str(template), str(body)]) == 1
    err = capsys.readouterr().err
    assert "not valid YAML" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "text, why",
    [
        ("body: " + "[" * 5000 + "]" * 5000, "nested too deeply"),  # deeper than the stack
        ("body: []\ndate: 2024-13-45\n", "month must be in 1..12"),  # a date PyYAML cannot build
        (b"body: [\xff]", "cannot read the template"),  # not UTF-8
    ],
)
def test_parse_issue_reports_an_unreadable_template_naming_it(tmp_path, capsys, text, why):
    template = tmp_path / "deep.yml"
    if isinstance(text, bytes):
        template.write_bytes(text)
    else:
        template.write_text(text, encoding="utf-8")
    body = tmp_path / "body.md"
    body.write_text(github_body(JOIN_FORM, JOIN_VALUES), encoding="utf-8")

    assert main(["parse-issue", "--template", str(template), str(body)]) == 1
    err = capsys.readouterr().err
    assert str(template) in err and why in err and "Traceback" not in err
    with pytest.raises(IssueFormError, match=why):
        load_template(template)


# --- properties: any body ends in values or IssueFormError; GitHub's bodies round-trip --


TEMPLATES = {kind: issue_form(kind) for kind in SUBMISSION_TYPES}
TEMPLATES["test-pledge"] = yaml.safe_load(PLEDGE_TEMPLATE)  # render, checkboxes, commas
TEMPLATES["textareas"] = {  # consecutive textareas, one without id, a rendered one last
    "body": [
        {"type": "textarea", "id": "one", "attributes": {"label": "Un"}},
        {"type": "textarea", "attributes": {"label": "Deux"}},
        {"type": "textarea", "id": "three", "attributes": {"label": "Trois", "render": "sh"}},
    ]
}
ODD_LINES = ["", " ", "_No response_", r"\_No response\_", "None", "```", "```js", "~~~",
             "<!--", "-->", "<!-- x -->", "`<!--`", "### ", "###", "## Titre", "#### Titre",
             "- [X] ", "- [ ]", "\r", "\ufeff", ", ", "\\"]  # fmt: skip


def any_body(template: dict) -> st.SearchStrategy[str]:
    """Bodies mixing the template's headings, options and checkbox lines with odd lines."""
    fields = form_fields(template)
    known = [f"### {f['label']}" for f in fields] + [
        line for f in fields for o in f["options"] for line in (o, f"- [X] {o}", f"- [ ] {o}")
    ]
    line = st.one_of(st.sampled_from(known), st.sampled_from(ODD_LINES), st.text(max_size=12))
    part = st.tuples(line, st.sampled_from(["\n", "\n\n", "\r\n", " ", ""]))
    return st.lists(part, max_size=40).map(lambda parts: "".join(a + b for a, b in parts))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_body_gives_values_or_an_issue_form_error(name, data):
    template = TEMPLATES[name]
    body = data.draw(any_body(template), label="body")
    try:
        values = parse_issue_body(template, body)
    except IssueFormError as exc:
        assert str(exc)
        return
    fields = [f for f in form_fields(template) if f["id"] is not None]
    assert list(values) == [f["id"] for f in fields]
    for field in fields:
        value = values[field["id"]]
        if field["type"] == "checkboxes" or field["multiple"]:
            assert isinstance(value, list) and set(value) <= set(field["options"])
        elif field["type"] == "dropdown":
            assert value is None or value in field["options"]
        else:
            assert value is None or (isinstance(value, str) and value.strip())
            if field["type"] == "input" and value is not None:
                assert "\n" not in value


PLAIN = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r`~"), max_size=30
).filter(lambda text: "<!--" not in text)
NOT_EMPTY = {"_no response_", r"\_no response\_"}


def textarea_value(own: str, others: list[str]) -> st.SearchStrategy[str]:
    """Text with headings of other fields, fenced code and code spans holding comments and
    headings; never a heading of its own label (the one ambiguous case, see issue_body)."""
    heading = st.sampled_from([f"### {label}" for label in others] + ["### Autre titre"])
    code_line = st.one_of(PLAIN, heading, st.sampled_from(["<!-- dans le code -->", "<!--"]))
    fenced = st.tuples(
        st.sampled_from(["```", "```markdown", "~~~"]), st.lists(code_line, max_size=4)
    ).map(lambda f: [f[0], *f[1], f[0][:3]])
    span = PLAIN.map(lambda text: f"{text} `<!-- {text} -->` fin")
    block = st.one_of(PLAIN.map(lambda t: [t]), heading.map(lambda t: [t]), span.map(lambda t: [t]),
                      st.just([""]), fenced)  # fmt: skip
    return (
        st.lists(block, min_size=1, max_size=8)
        .map(lambda blocks: [line for block in blocks for line in block])
        .map(lambda lines: "\n".join(lines).strip("\n"))
        .filter(lambda text: text.strip() and text.split("\n")[0].strip())
        .filter(lambda text: text.split("\n")[-1].strip())
        .filter(lambda text: text.strip().lower() not in NOT_EMPTY)
        .filter(lambda text: not any(line.strip() == f"### {own}" for line in text.split("\n")))
    )


def field_value(field: dict, others: list[str]) -> st.SearchStrategy[Value]:
    """A value GitHub can submit for ``field``."""
    if field["type"] == "checkboxes":
        return st.sets(st.sampled_from(field["options"])).map(
            lambda chosen: [o for o in field["options"] if o in chosen]
        )
    if field["type"] == "dropdown":
        if field["multiple"]:
            return st.sets(st.sampled_from(field["options"])).map(
                lambda chosen: [o for o in field["options"] if o in chosen]
            )
        return st.one_of(st.none(), st.sampled_from(field["options"]))
    if field["type"] == "input":
        line = st.one_of(
            PLAIN.map(str.strip),
            st.sampled_from([f"### {label}" for label in others]),
            PLAIN.map(lambda text: f"`<!-- {text.strip()} -->`"),
        )
        return st.one_of(
            st.none(),
            line.filter(lambda text: text and text.lower() not in NOT_EMPTY),
        )
    return st.one_of(st.none(), textarea_value(field["label"], others))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_bodies_github_writes_give_their_values_back(name, data):
    template = TEMPLATES[name]
    fields = form_fields(template)
    labels = [f["label"] for f in fields]
    values = {}
    for n, field in enumerate(fields):
        others = labels[:n] + labels[n + 1 :]
        values[field["id"] or field["label"]] = data.draw(
            field_value(field, others), label=field["label"]
        )
    body = github_body(template, values)
    expected = {f["id"]: values[f["id"]] for f in fields if f["id"] is not None}
    for field in fields:
        if (field["type"] == "checkboxes" and field["id"] is not None) or field["multiple"]:
            expected[field["id"]] = expected[field["id"]] or []

    assert parse_issue_body(template, body) == expected


def test_a_body_repeating_the_headings_past_the_limit_is_refused(template):
    repeats = "\n\n".join(["### Rôle\n\nFinanceur (funder)"] * (MAX_REPEATED_HEADINGS + 1))
    note = f"Copié plusieurs fois :\n\n{repeats}"
    with pytest.raises(IssueFormError, match="repeats the headings"):
        parse_issue_body(template, replace_section(FULL_BODY, "Note", note))
    # Up to the limit, the body reads as usual.
    repeats = "\n\n".join(["### Rôle\n\nFinanceur (funder)"] * MAX_REPEATED_HEADINGS)
    note = f"Copié plusieurs fois :\n\n{repeats}"
    values = parse_issue_body(template, replace_section(FULL_BODY, "Note", note))
    assert values == {**FULL_VALUES, "note": note}


def test_an_envelope_fetched_before_the_field_was_named_is_still_explained(site, capsys):
    envelope = {
        "id": "github-3",
        "type": "join",
        "submitted_at": "2026-11-20T10:00:00Z",
        "source": "github-issue",
        "data": {"_unreadable_issue": "the required section “### Rôle” is missing"},
    }
    write(site / "submissions/inbox/github-3.json", json.dumps(envelope))

    assert main(["--root", str(site), "process", "--today", "2026-11-26"]) == 0

    report = (site / "submissions/rejected/github-3.report.md").read_text(encoding="utf-8")
    assert (
        "- (soumission) : le texte du ticket ne correspond pas à son formulaire : "
        "`the required section" in report
    )
    assert "unknown key" not in report
    capsys.readouterr()
