"""The located YAML reader: positions, duplicate keys, limits, raw text."""

from __future__ import annotations

from cxsite.load.yaml_source import MAX_DEPTH, Position, ids_written, parse_yaml


def test_positions_are_one_based_for_values_and_keys() -> None:
    doc, errors = parse_yaml("a: 1\nitems:\n  - x\n  - {b: yes}\n", "f.yaml")
    assert errors == []
    assert doc is not None
    assert doc.value == {"a": 1, "items": ["x", {"b": True}]}
    assert doc.source.values[("a",)] == Position(1, 4)
    assert doc.source.keys[("items",)] == Position(2, 1)
    assert doc.source.values[("items", 1, "b")] == Position(4, 9)


def test_line_offset_shifts_positions_for_front_matter() -> None:
    doc, _ = parse_yaml("title: x\n", "p.md", line_offset=1)
    assert doc is not None
    assert doc.source.values[("title",)] == Position(2, 8)


def test_duplicate_key_is_an_error_at_the_second_naming_the_first() -> None:
    doc, errors = parse_yaml("name: a\nid: x\nname: b\n", "f.yaml")
    assert doc is None
    assert len(errors) == 1
    error = errors[0]
    assert (error.line, error.col) == (3, 1)
    assert "duplicate key `name`" in error.message
    assert "line 1, column 1" in error.message


def test_an_unclosed_list_is_located_at_its_opening_bracket() -> None:
    doc, errors = parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert doc is None
    assert (errors[0].path, errors[0].line, errors[0].col) == ("f.yaml", 1, 4)
    assert errors[0].message == "the `[` that starts this list is never closed with `]`"


def test_a_syntax_error_no_explainer_knows_keeps_pyyaml_words() -> None:
    _, errors = parse_yaml("a: !!binary [\n", "f.yaml")
    assert errors[0].message.startswith("YAML syntax error: ")


def test_tab_indentation_gets_a_hint() -> None:
    _, errors = parse_yaml("a:\n\tb: 1\n", "f.yaml")
    assert (errors[0].line, errors[0].col) == (2, 1)
    assert errors[0].message == "this line is indented with a tab; YAML indents with spaces only"
    assert errors[0].hint == "replace the tab with spaces, like line 1"


def explained(text: str, line_offset: int = 0) -> str:
    _, errors = parse_yaml(text, "f.yaml", line_offset=line_offset)
    (error,) = errors
    return error.format()


def test_an_unclosed_quote_is_located_where_it_opens_not_at_the_end() -> None:
    text = 'id: app-login\nname: "App login\nchannel: app\nmode: online\nowner: billing\n'
    assert explained(text) == (
        'f.yaml:2:7: error: the double quote `"` that starts this value is never closed; '
        'end the value with `"` on the same line: `name: "App login"`'
    )
    # in front matter, lines count from the top of the Markdown file
    assert explained(text, line_offset=1).startswith("f.yaml:3:7: error: the double quote")


def test_a_missing_space_after_a_colon_names_the_line() -> None:
    assert explained("id: app-login\nowner:billing\nmode: online\n") == (
        "f.yaml:2:6: error: `owner:billing` needs a space after the `:`; write `owner: billing`"
    )


def test_a_line_indented_more_than_the_one_above_says_so() -> None:
    assert explained("id: x\nname: App login\n  channel: app\n") == (
        "f.yaml:3:3: error: this line is indented more than line 2 above it, so YAML reads it "
        "as part of the value of `name`; line it up with `name:` (no spaces)"
    )


def test_a_line_indented_less_than_its_neighbours_offers_both_levels() -> None:
    text = "id: x\ntargets:\n    trust: {target: 80}\n  service: {target: 70}\n"
    assert explained(text) == (
        "f.yaml:4:3: error: this line is indented differently from line 3 above it "
        "(2 spaces, not 4 spaces); keys of one mapping must line up: line it up with `trust:` "
        "on line 3 (4 spaces) or with `targets:` on line 2 (no spaces)"
    )


def test_a_value_holding_colon_space_is_told_to_use_quotes() -> None:
    assert explained("title: Billing: trust recovery\n") == (
        "f.yaml:1:15: error: this value holds `: `, which YAML reads as the start of another "
        'key; put the value in quotes: `title: "Billing: trust recovery"`'
    )


def test_a_list_item_among_keys_and_a_key_among_list_items() -> None:
    assert explained("id: x\nname: y\n- billing\n").startswith(
        "f.yaml:3:1: error: a list item (`- billing`) at the same level as `key: value` lines"
    )
    assert explained("id: x\nsupporting:\n  - billing\n  owner: billing\n") == (
        "f.yaml:4:3: error: `owner:` is at the same level as the list items above it "
        "(`- billing` on line 3); a list and `key: value` lines cannot share a level; to end "
        "the list, line `owner:` up with `supporting:` on line 2; to add it to the list, "
        "start it with `- `"
    )


def test_ids_written_in_a_file_that_does_not_parse_are_found() -> None:
    text = '- id: pay-a-bill\n  stages:\n  - id: receive\n- {id: "renew", name: "x\n'
    assert ids_written(text) == {"pay-a-bill", "renew"}  # not the stage `receive`


def test_keys_keep_their_raw_text() -> None:
    doc, _ = parse_yaml("map: {Yes: a, 1: b, null: c}\n", "f.yaml")
    assert doc is not None
    assert doc.value == {"map": {"Yes": "a", "1": "b", "null": "c"}}


def test_raw_text_of_non_string_scalars_is_kept() -> None:
    doc, _ = parse_yaml("v: [True, Yes, 01]\n", "f.yaml")
    assert doc is not None
    assert doc.value == {"v": [True, True, 1]}
    assert [doc.source.raw_text(("v", i)) for i in range(3)] == ["True", "Yes", "01"]


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        prev = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([prev] * 10)}]")
    doc, errors = parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert doc is None
    assert "more than" in errors[0].message


def test_deep_nesting_is_refused() -> None:
    depth = MAX_DEPTH + 5
    doc, errors = parse_yaml("[" * depth + "]" * depth + "\n", "deep.yaml")
    assert doc is None
    assert "nested" in errors[0].message


def test_merge_keys_are_refused_with_a_message() -> None:
    doc, errors = parse_yaml("base: &b {x: 1}\nitem:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert doc is None
    assert (errors[0].line, errors[0].col) == (3, 3)
    assert "merge keys" in errors[0].message


def test_empty_document_has_no_value() -> None:
    doc, errors = parse_yaml("# only a comment\n", "f.yaml")
    assert errors == []
    assert doc is not None and doc.value is None
