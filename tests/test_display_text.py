import logging
from pathlib import Path

import numpy as np
import pytest

from live.config import DEFAULT_FONT, UiConfig
from live.display.text import TextPainter, to_ascii

needs_font = pytest.mark.skipif(not Path(DEFAULT_FONT).is_file(), reason="fonts-dejavu-core is not installed")


@needs_font
class TestRealFont:
    def test_not_the_fallback(self):
        assert not TextPainter(DEFAULT_FONT).fallback

    def test_cedilla_and_curly_marks_are_drawn(self):
        painter = TextPainter(DEFAULT_FONT)
        plain = painter.block("c", 60, 80, 48).astype(int)
        cedilla = painter.block("ç", 60, 80, 48).astype(int)
        # The cedilla hangs below the c: ink in rows where the plain c has none.
        below = np.nonzero(plain.any(axis=1))[0].max()
        assert cedilla[below + 2 :].sum() > 255 * 5
        assert not np.array_equal(painter.block("’", 40, 60, 40), painter.block("'", 40, 60, 40))

    def test_each_non_ascii_text_differs_from_its_ascii_stand_in(self):
        painter = TextPainter(DEFAULT_FONT)
        for text in ("Dessine ça ici", "Zeichne hier – los geht’s"):
            assert not np.array_equal(painter.block(text, 600, 60, 40), painter.block(to_ascii(text), 600, 60, 40))

    def test_wraps_and_shrinks_to_fit(self):
        painter = TextPainter(DEFAULT_FONT)
        text = UiConfig().drawing_mouse
        px, lines = painter.layout(text, 300, 100, 40, max_lines=2)
        assert len(lines) <= 2 and px <= 40
        assert all(painter.width(line, px) <= 300 for line in lines)
        block = painter.block(text, 300, 100, 40)
        assert block.shape == (100, 300) and block.max() == 255
        # Wide enough: one line at the size asked for.
        assert painter.layout("Draw", 600, 100, 40) == (40, ["Draw"])

    def test_paint_blends_in_place_and_clips(self):
        painter = TextPainter(DEFAULT_FONT)
        image = np.zeros((50, 200, 3), np.uint8)
        painter.paint(image, "Hello", (-20, -10, 200, 60), 30, colour=(0, 255, 0))
        assert image[..., 1].max() == 255 and image[..., 0].max() == 0 and image[..., 2].max() == 0
        banner = painter.banner("Hi", 100, 40, 20, background=(10, 20, 30))
        assert banner.shape == (40, 100, 3) and tuple(banner[0, 0]) == (10, 20, 30)
        assert painter.banner("Hi", 100, 40, 20, background=(10, 20, 30)) is banner  # kept

    def test_bad_box(self):
        with pytest.raises(ValueError, match="positive size"):
            TextPainter(DEFAULT_FONT).block("x", 0, 10, 10)


class TestFallback:
    def test_missing_font_warns_and_still_draws(self, tmp_path, caplog):
        with caplog.at_level(logging.WARNING, logger="live.display"):
            painter = TextPainter(str(tmp_path / "missing.ttf"))
        assert painter.fallback
        assert "fonts-dejavu-core" in caplog.text and "missing.ttf" in caplog.text
        assert painter.block("Zeichne hier – los geht’s", 500, 60, 30).max() == 255

    def test_ascii_stand_ins(self):
        assert to_ascii("Dessine ça ici") == "Dessine ca ici"
        assert to_ascii("Zeichne hier – los geht’s") == "Zeichne hier - los geht's"


@needs_font
class TestWrap:
    def test_breaks_between_phrases_first(self):
        painter = TextPainter(DEFAULT_FONT)
        text = "Press S to send your drawing · C clears · Z undoes"
        width = painter.width("Press S to send your drawing", 30) + 4
        assert painter.wrap(text, width, 30) == ["Press S to send your drawing", "C clears · Z undoes"]

    def test_a_long_phrase_breaks_between_words(self):
        painter = TextPainter(DEFAULT_FONT)
        lines = painter.wrap("one two three four five six", painter.width("one two three", 20) + 2, 20)
        assert lines == ["one two three", "four five six"]
