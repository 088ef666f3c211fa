"""Long lists stay inside Telegram's 4096 characters without cutting an HTML tag."""

from handlers.tasks import join_lines


def test_join_lines_keeps_whole_lines_under_the_limit():
    lines = [f"<b>A-{i:04d}</b> " + "修" * 90 for i in range(100)]
    text = join_lines(lines)
    assert len(text) <= 3900 and text.endswith("\n…")
    assert text.count("<b>") == text.count("</b>") > 10
    assert join_lines(["a", "b"]) == "a\nb"
