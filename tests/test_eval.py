"""``live eval``: the suite is fixed, a run is deterministic, words are read by OCR."""

import json
import shutil

import numpy as np
import pytest

from live.cli import main
from live.config import load_config
from live.tools import ocr
from live.tools.eval import mean_body_area, run_eval, sprites_for, summarise
from live.tools.suite import DEFAULT_GROUPS, GROUPS, suite

SMALL = {"render.size": 64, "render.backend": "analytic", "render.device": "cpu"}
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract (tesseract-ocr)")


class TestSuite:
    def test_names_are_unique_and_masks_are_deterministic(self):
        cases = suite()
        assert len({c.name for c in cases}) == len(cases) >= 44
        for case in cases:
            a, b = case.draw(128), case.draw(128)
            assert a.shape == (128, 128) and a.dtype == np.float32
            assert np.array_equal(a, b) and (a > 0.5).sum() > 50, case.name

    def test_groups(self):
        cases = suite()
        words = [c for c in cases if c.group == "words"]
        assert len(words) >= 10 and all(c.text for c in words)
        assert {len(c.text.rstrip("!")) for c in words} >= {2, 8}
        assert len({c.name.split("-")[1] for c in words}) >= 4  # fonts
        assert len([c for c in cases if c.group == "lines"]) >= 6 and len([c for c in cases if c.group == "parts"]) >= 5
        assert [c.group for c in suite(DEFAULT_GROUPS)] == [c.group for c in cases if c.group != "shapes"]
        with pytest.raises(ValueError, match="unknown eval group"):
            suite(["doodles"])
        assert set(GROUPS) == {c.group for c in cases}

    def test_many_part_drawings_have_several_parts(self):
        import cv2

        parts = []
        for case in suite(["parts"]):
            count, _ = cv2.connectedComponents((case.draw(256) > 0.5).astype(np.uint8))
            parts.append(count - 1)
        assert min(parts) >= 2 and max(parts) >= 7

    def test_seed_sized_creature_count_follows_the_area(self):
        cases = {c.name: c for c in suite()}
        assert sprites_for(cases["A-seed"], cases["A-seed"].draw(256)) == 16  # the seed's task
        ring = cases["ring"].draw(256)
        expected = round(0.75 * (ring > 0.5).sum() / mean_body_area(256))
        assert sprites_for(cases["ring"], ring) == expected


@needs_tesseract
class TestOcr:
    def test_the_word_targets_read_back_exactly(self):
        for case in suite(["words"]):
            assert ocr.matches(ocr.read(case.draw(256)), case.text), case.name

    def test_colour_ink_and_nothing(self):
        mask = suite(["words"])[0].draw(256)
        rgb = np.zeros((256, 256, 3), np.float32)
        rgb[mask > 0.5] = (0.99, 0.0, 0.0)
        rgb[(mask > 0.5) & (np.arange(256)[None, :] % 9 == 0)] = (0.0, 0.0, 0.99)  # pupils are ink too
        assert ocr.read(rgb) == "HI"
        assert ocr.read(np.zeros((64, 64, 3), np.float32)) == ""
        assert not ocr.matches("H1", "HI") and ocr.matches("DR AW!", "DRAW!")


class TestRun:
    def test_deterministic(self):
        config = load_config(overrides=SMALL)
        cases = [c for c in suite() if c.name in ("heart-corner", "thin-line")]
        first = run_eval(config, steps=6, cases=cases, seed_loss=True)
        second = run_eval(config, steps=6, cases=cases, seed_loss=True)
        assert [r.loss for r in first] == ["shaped", "seed"] * 2
        strip = lambda rows: [(r.target, r.loss, r.iou_early, r.iou_final, r.stranded_final) for r in rows]  # noqa: E731
        assert strip(first) == strip(second)
        means = summarise(first)
        assert set(means) == {"shaped", "seed"} and means["seed"]["targets"] == 2

    def test_subset_reproduces_the_full_suite(self):
        """A case run alone starts from the same swarm as in the whole suite."""
        config = load_config(overrides=SMALL)
        full = suite()
        alone = run_eval(config, steps=2, cases=[full[14]])
        assert full[14].seed == 14
        pair = run_eval(config, steps=2, cases=[full[13], full[14]])
        strip = lambda r: (r.target, r.sprites, r.iou_final, r.stranded_final)  # noqa: E731
        assert [strip(r) for r in alone] == [strip(r) for r in pair[1:]]

    def test_steps_checked(self):
        with pytest.raises(ValueError, match="steps"):
            run_eval(load_config(overrides=SMALL), steps=0)


class TestCli:
    @needs_tesseract
    def test_json_has_ocr_per_word_and_iou_per_drawing(self, capsys):
        args = ["eval", "--json", "--steps", "2", "--only", "HI-simplex,dots", "--size", "64", "--backend", "analytic"]
        assert main(args) == 0
        out = json.loads(capsys.readouterr().out)
        word, drawing = out["rows"]
        assert word["target"] == "HI-simplex" and set(word["ocr"]) == {"early", "final"} and "iou" not in word
        assert drawing["target"] == "dots" and set(drawing["iou"]) == {"early", "final"} and "ocr" not in drawing
        assert {"ocr_final", "iou_final", "iou_min_final", "stranded_final"} <= set(out["mean"]["shaped"])

    def test_unknown_target_and_group(self, capsys):
        assert main(["eval", "--only", "nope", "--size", "64"]) == 2
        assert "unknown eval target" in capsys.readouterr().err
        with pytest.raises(SystemExit):
            main(["eval", "--groups", "doodles"])
