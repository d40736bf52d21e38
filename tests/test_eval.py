"""``live eval``: the suite is fixed and a run is deterministic."""

import json

import numpy as np
import pytest

from live.cli import main
from live.config import load_config
from live.eval import mean_body_area, run_eval, sprites_for, suite, summarise

SMALL = {"render.size": 64, "render.backend": "analytic", "render.device": "cpu"}


class TestSuite:
    def test_names_are_unique_and_masks_are_deterministic(self):
        cases = suite()
        assert len({c.name for c in cases}) == len(cases) >= 20
        for case in cases:
            a, b = case.draw(128), case.draw(128)
            assert a.shape == (128, 128) and a.dtype == np.float32
            assert np.array_equal(a, b) and (a > 0.5).sum() > 50, case.name

    def test_creature_count_follows_the_area(self):
        cases = {c.name: c for c in suite()}
        assert sprites_for(cases["A-seed"], cases["A-seed"].draw(256)) == 16  # the seed's task
        ring = cases["ring"].draw(256)
        expected = round(0.75 * (ring > 0.5).sum() / mean_body_area(256))
        assert sprites_for(cases["ring"], ring) == expected
        crowded = cases["crowded-disc"]
        mask = crowded.draw(256)
        assert sprites_for(crowded, mask) * mean_body_area(256) > (mask > 0.5).sum()  # more bodies than room


class TestRun:
    def test_deterministic_and_both_losses(self):
        config = load_config(overrides=SMALL)
        cases = [c for c in suite() if c.name in ("heart-corner", "thin-line")]
        first = run_eval(config, steps=6, cases=cases)
        second = run_eval(config, steps=6, cases=cases)
        assert [r.loss for r in first] == ["shaped", "seed"] * 2

        def strip(rows):
            return [(r.target, r.loss, r.iou_early, r.iou_final, r.stranded_final) for r in rows]

        assert strip(first) == strip(second)
        means = summarise(first)
        assert set(means) == {"shaped", "seed"} and means["seed"]["targets"] == 2

    def test_subset_reproduces_the_full_suite(self):
        """A case run alone starts from the same swarm as in the whole suite."""
        config = load_config(overrides=SMALL)
        full = suite()
        alone = run_eval(config, steps=2, cases=[full[12]])
        assert full[12].seed == 12
        pair = run_eval(config, steps=2, cases=[full[11], full[12]])

        def strip(r):
            return (r.target, r.loss, r.sprites, r.iou_final, r.stranded_final)

        assert [strip(r) for r in alone] == [strip(r) for r in pair[2:]]

    def test_steps_checked(self):
        with pytest.raises(ValueError, match="steps"):
            run_eval(load_config(overrides=SMALL), steps=0)


class TestCli:
    def test_json(self, capsys):
        code = main(["eval", "--json", "--steps", "3", "--only", "star-small", "--size", "64", "--backend", "analytic"])
        assert code == 0
        out = json.loads(capsys.readouterr().out)
        assert [r["target"] for r in out["rows"]] == ["star-small", "star-small"]
        assert {"iou_early", "iou_final", "stranded_final", "ms_per_step"} <= set(out["rows"][0])

    def test_unknown_target(self, capsys):
        assert main(["eval", "--only", "nope", "--size", "64"]) == 2
        assert "unknown eval target" in capsys.readouterr().err
