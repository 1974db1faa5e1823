"""Lesson files: Markdown is parsed, not narrated as markup."""

from __future__ import annotations

import pytest
from ttv_contracts.errors import TTVError
from ttv_integration.lesson import load_lesson, markdown_lesson

LESSON_MD = """\
# Living in *Space*

Astronauts on the [station](https://example.org) float because they are
always falling around the `Earth`.

## A day on the station

- Yuki wakes up in a sleeping bag
- She drinks water from a bag.
  - nested: with a straw

1. First item
2. Second item

```python
print("not narrated")
```

| a | b |
| - | - |
| cell | cell |

![a diagram](d.png) <b>Bold</b> words stay.
"""


def test_markdown_title_paragraphs_and_items(tmp_path):
    path = tmp_path / "space_lesson.md"
    path.write_text(LESSON_MD, encoding="utf-8")
    lesson = load_lesson(path)
    assert lesson.title == "Living in Space"
    paragraphs = lesson.text.split("\n\n")
    assert paragraphs[0] == (
        "Astronauts on the station float because they are always falling around the Earth."
    )
    assert paragraphs[1].splitlines() == [
        "- Yuki wakes up in a sleeping bag",
        "- She drinks water from a bag.",
        "- nested: with a straw",
    ]
    assert paragraphs[2].splitlines() == ["- First item", "- Second item"]
    assert paragraphs[3] == "Bold words stay."
    assert len(paragraphs) == 4
    for markup in ("#", "*", "`", "](", "print", "cell", "|", "<b>", "A day on the station"):
        assert markup not in lesson.text


def test_markdown_without_a_leading_h1_is_titled_after_the_file():
    lesson = markdown_lesson("Some prose first.\n\n# A Late Heading\n\nMore prose.", "my_notes")
    assert lesson == {"title": "My Notes", "text": "Some prose first.\n\nMore prose."}


def test_plain_text_keeps_its_characters(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("# not a heading in a .txt file.", encoding="utf-8")
    lesson = load_lesson(path)
    assert (lesson.title, lesson.text) == ("Notes", "# not a heading in a .txt file.")


def test_markdown_with_only_headings_is_a_coded_error(tmp_path):
    path = tmp_path / "empty.md"
    path.write_text("# Title\n\n## Section\n\n```\ncode\n```\n", encoding="utf-8")
    with pytest.raises(TTVError) as info:
        load_lesson(path)
    assert info.value.code == "TTV-E001"
    assert ".md Markdown" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("bom.json", '{"title": "T", "text": "One line."}'),
        ("bom.md", "# T\n\nOne line."),
        ("bom.txt", "One line."),
    ],
)
def test_a_byte_order_mark_is_not_part_of_the_lesson(tmp_path, name, body):
    """Notepad saves UTF-8 with a BOM: the JSON lesson failed to parse (TTV-E001) and the
    Markdown title became prose."""
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    lesson = load_lesson(path)
    assert lesson.text == "One line." and "\ufeff" not in lesson.title


def test_markdown_front_matter_is_not_narrated():
    """Jekyll/Hugo/Obsidian front matter was read out as "title: Volcanoes tags: ..."."""
    raw = '---\ntitle: "Volcanoes"\ntags: [earth, science]\n---\n# Fire Mountains\n\nLava is hot.\n'
    assert markdown_lesson(raw, "notes") == {"title": "Volcanoes", "text": "Lava is hot."}
    no_title = markdown_lesson("---\ntags: [x]\n---\n\n# Fire Mountains\n\nLava.", "notes")
    assert no_title == {"title": "Fire Mountains", "text": "Lava."}
    rule = markdown_lesson("Lava is hot.\n\n---\n\nAsh is grey.", "notes")  # a rule, not YAML
    assert rule["text"] == "Lava is hot.\n\nAsh is grey."


def test_a_text_lesson_s_short_first_line_is_its_title(tmp_path):
    """ "Volcanoes" on a line of its own was narrated as the first shot, and the lesson was
    titled after its file name."""
    from ttv_integration.lesson import text_lesson

    assert text_lesson("Volcanoes\n\nLava is hot. Ash is grey.\n", "notes") == {
        "title": "Volcanoes",
        "text": "Lava is hot. Ash is grey.\n",
    }
    prose = "Lava is hot.\n\nAsh is grey."  # a sentence is no title
    assert text_lesson(prose, "my_notes") == {"title": "My Notes", "text": prose}
    alone = "Volcanoes erupt"  # one line and nothing after it: the lesson itself
    assert text_lesson(alone, "v") == {"title": "V", "text": alone}
