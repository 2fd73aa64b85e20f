"""The located YAML reader: positions, duplicate keys, limits, raw text."""

from __future__ import annotations

from cxsite.load.yaml_source import MAX_DEPTH, Position, parse_yaml


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


def test_syntax_error_is_located() -> None:
    doc, errors = parse_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    assert doc is None
    assert errors[0].path == "f.yaml"
    assert errors[0].line >= 2
    assert errors[0].message.startswith("YAML syntax error")


def test_tab_indentation_gets_a_hint() -> None:
    _, errors = parse_yaml("a:\n\tb: 1\n", "f.yaml")
    assert errors[0].line == 2
    assert "tabs" in errors[0].hint


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
