"""``live soak``: scripted visitors for a few (short) minutes; per-minute figures and the summary."""

import imageio.v3 as iio
import pytest

from live.config import InputKind, load_config
from live.tools.soak import SUMMARY_KEYS, soak, soak_config, visitor_script
from tests.conftest import HANDS


def test_visitor_script_has_drawings_and_idle_stretches():
    script = visitor_script(120.0)
    keys = [e["t"] for e in script["events"] if "key" in e]
    assert keys == pytest.approx([2.7, 19.5, 62.7, 79.5])  # two visitors a minute, then 40 s idle
    assert script["end"] == 121.0


@pytest.mark.skipif(not (HANDS / "fingertip_circle.mp4").is_file(), reason="no hand footage")
def test_the_soak_runs_the_real_hand_kind():
    """The soak's hand input is the InputKind the app compares against, never a bare string."""
    config = soak_config(load_config(None), hand=True)
    assert config.app.input is InputKind.HAND and config.camera.loop_video
    assert soak_config(load_config(None), hand=False).app.input is InputKind.MOUSE


@pytest.mark.parametrize(
    "hand",
    [
        False,
        pytest.param(
            True, marks=pytest.mark.skipif(not (HANDS / "fingertip_circle.mp4").is_file(), reason="no hand footage")
        ),
    ],
)
def test_short_soak(tmp_path, hand):
    """Two 'minutes' of 8 s: figures each minute, exports written and readable, the summary."""
    overrides = {
        "swarm.sprites": 8,
        "render.size": 64,
        "render.backend": "analytic",
        "render.device": "cpu",
        "paths.recordings": str(tmp_path),
        "share.enabled": False,
        "record.plateau_frames": 20,
    }
    rows = []
    summary = soak(load_config(None, overrides), 2, rows.append, minute_s=8.0, hand=hand)
    assert set(SUMMARY_KEYS) <= set(summary)
    assert [r["minute"] for r in rows] == [1, 2]
    assert all(r["fps"] > 0 and r["rss_mb"] > 0 for r in rows)
    assert summary["frames"] >= sum(r["frames"] for r in rows)  # and the second after the last line
    assert summary["rss_start_mb"] == rows[0]["rss_mb"] and summary["rss_end_mb"] == rows[-1]["rss_mb"]
    assert summary["exports"] >= 2 and summary["failed_exports"] == 0 and summary["failed_frames"] == 0
    for gif in summary["recordings"]:
        assert iio.imread(gif, index=None).shape[0] >= 2
    assert summary["attract"] >= 2 and rows[0]["attract"] >= 1  # each idle stretch fell into attract mode
