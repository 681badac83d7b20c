"""Reading pledge issues back from the bodies GitHub writes for issue forms."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest

from appel_a_communs.submissions.issue_body import (
    IssueFormError,
    form_fields,
    load_template,
    parse_issue_body,
)

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


def test_role_heading_inside_a_code_block_of_an_earlier_section(template):
    # Someone edited the issue and pasted a snippet under "Commun soutenu".
    common = textwrap.dedent("""\
        Cartographie ouverte des tiers-lieux

        ```
        ### Rôle

        Utilisateur, testeur (user, tester)
        ```""")
    values = parse_issue_body(template, replace_section(FULL_BODY, "Commun soutenu", common))

    assert values["common"] == common
    assert values["role"] == "Financeur (funder)"


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


def test_multiple_dropdown_split_backtracks_and_keeps_unknown_pieces():
    template = {
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
    assert parse_issue_body(template, "### Nature\n\ncode, documentation, traduction") == {
        "kinds": ["code", "documentation, traduction"]
    }
    assert parse_issue_body(template, "### Nature\n\ncode, bénévolat, code, documentation") == {
        "kinds": ["code", "bénévolat", "code, documentation"]
    }
    # Both readings use known options only: the longest option wins.
    assert parse_issue_body(template, "### Nature\n\ncode, documentation") == {
        "kinds": ["code, documentation"]
    }


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
