"""The ``live`` command, run as a user runs it: a subprocess."""

import json
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest

from tests.conftest import ROOT

COMMANDS = ["demo", "fit", "render", "bench", "config", "doctor"]


def live(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "live", *args], capture_output=True, text=True, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"live {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


class TestHelp:
    @pytest.mark.parametrize("command", COMMANDS)
    def test_every_command_has_help(self, command):
        out = live(command, "--help").stdout
        assert out.startswith("usage: live " + command)

    def test_top_level(self):
        out = live("--help").stdout
        assert all(c in out for c in COMMANDS)


class TestDemo:
    def test_writes_the_gif_and_prints_its_path(self, tmp_path):
        out = live("demo", "--recordings", str(tmp_path), "--backend", "analytic", "--device", "cpu")
        path = out.stdout.strip().splitlines()[-1]
        assert path.startswith(str(tmp_path)) and path.endswith(".gif") and "demo-" in path
        frames = iio.imread(path, index=None)
        assert frames.shape[0] == 51 and frames.shape[1:3] == (256, 512)  # start + 50 steps; render | target
        assert "forming" in out.stderr  # the progress bar
        # the last frame shows red creatures on the left and the red target on the right
        last = frames[-1]
        assert last[:, :256, 0].mean() > 40 and last[:, 256:, 0].mean() > 40


class TestFit:
    def test_json_report(self):
        out = live(
            "fit", "--text", "A", "--sprites", "16", "--size", "128", "--steps", "30", "--seed", "0",
            "--backend", "analytic", "--device", "cpu", "--json",
        )
        report = json.loads(out.stdout)
        for key in ("iou", "loss", "ms_per_step", "backend", "device", "sprites", "size", "steps"):
            assert key in report
        assert report["backend"] == "analytic" and report["device"] == "cpu"
        assert (report["sprites"], report["size"], report["steps"]) == (16, 128, 30)
        assert 0.74 < report["iou"] <= 1.0 and report["loss"] > 0 and report["ms_per_step"] > 0  # measured 0.793

    def test_without_sprites_the_target_chooses_the_swarm(self):
        args = ["--text", "DRAW!", "--size", "128", "--steps", "3", "--backend", "analytic", "--json"]
        report = json.loads(live("fit", *args).stdout)
        assert report["sprites"] > 40 and 0.02 < report["radius"] < 0.08  # small creatures, many of them
        seed = json.loads(live("fit", *args, "--sprites", "16").stdout)
        assert seed["sprites"] == 16 and 0.15 < seed["radius"] < 0.2

    def test_png_is_the_final_colour_view_at_display_resolution(self, tmp_path):
        import cv2

        png = tmp_path / "views" / "draw.png"
        args = ["--text", "HI", "--size", "64", "--steps", "2", "--backend", "analytic", "--png", str(png), "--json"]
        report = json.loads(live("fit", *args, "--set", "app.window=256").stdout)
        assert report["png"] == str(png)
        picture = cv2.imread(str(png))
        assert picture.shape == (256, 256, 3) and picture[..., 2].max() > 200  # red creatures, BGR on disk

    def test_image_target_and_gif(self, tmp_path):
        import cv2

        image = np.zeros((60, 60, 3), np.uint8)
        cv2.circle(image, (30, 30), 20, (255, 255, 255), 12)
        cv2.imwrite(str(tmp_path / "ring.png"), image)
        gif = tmp_path / "out" / "ring.gif"
        out = live(
            "fit", "--target", str(tmp_path / "ring.png"), "--size", "64", "--steps", "5", "--gif", str(gif), "--json"
        )
        assert json.loads(out.stdout)["gif"] == str(gif)
        assert iio.imread(gif, index=None).shape == (6, 64, 128, 3)

    @pytest.mark.parametrize(
        "args, words",
        [
            (["--target", "/no/such/file.png"], "does not exist"),
            (["--text", "A", "--set", "render.colour=1"], "unknown config key 'render.colour'"),
            (["--text", "A", "--backend", "gl"], "render.backend"),
            (["--text", "A", "--sprites", "0"], "swarm.sprites"),
            (["--text", "A", "--config", "/no/such.toml"], "cannot read config file"),
            (["--text", ""], "empty"),
        ],
    )
    def test_bad_input_is_one_line(self, args, words):
        result = live("fit", *args, check=False)
        assert result.returncode == 2
        errors = [line for line in result.stderr.splitlines() if "error" in line]
        assert len(errors) == 1 and words in errors[0]

    def test_needs_a_target(self):
        assert live("fit", check=False).returncode == 2


class TestRender:
    @pytest.mark.parametrize("backend", ["analytic", "pytorch3d"])
    def test_arrays_and_png(self, tmp_path, backend):
        out = tmp_path / "r.npz"
        png = tmp_path / "r.png"
        live(
            "render",
            "--backend",
            backend,
            "--sprites",
            "6",
            "--seed",
            "1",
            "--size",
            "64",
            "--out",
            str(out),
            "--png",
            str(png),
        )
        arrays = np.load(out)
        assert arrays["silhouette"].shape == (64, 64) and arrays["color"].shape == (64, 64, 3)
        assert 0 < arrays["silhouette"].mean() < 1
        assert iio.imread(png).shape == (64, 128, 3)

    def test_out_without_npz_prints_the_file_written(self, tmp_path):
        out = live("render", "--sprites", "3", "--size", "32", "--out", str(tmp_path / "arrays")).stdout.split()
        assert out == [str(tmp_path / "arrays.npz")] and (tmp_path / "arrays.npz").is_file()

    def test_same_seed_same_arrays(self, tmp_path):
        for name in ("a", "b"):
            live("render", "--sprites", "5", "--seed", "7", "--size", "32", "--out", str(tmp_path / f"{name}.npz"))
        a, b = np.load(tmp_path / "a.npz"), np.load(tmp_path / "b.npz")
        assert np.array_equal(a["color"], b["color"])


class TestBench:
    def test_json_rows(self):
        out = live(
            "bench",
            "--json",
            "--sprites",
            "4,8",
            "--sizes",
            "32",
            "--budget",
            "0.05",
            "--backends",
            "analytic",
            "--no-baseline",
        )
        rows = json.loads(out.stdout)
        assert [(r["sprites"], r["size"]) for r in rows] == [(4, 32), (8, 32)]
        for row in rows:
            assert row["backend"] == "analytic" and row["device"] == "cpu"
            assert row["ms_per_step"] > 0 and row["ms_per_color"] > 0

    def test_baseline_gives_speedups(self):
        out = live("bench", "--json", "--sprites", "4", "--sizes", "32", "--budget", "0.05", "--backends", "analytic")
        rows = json.loads(out.stdout)
        assert rows[0]["backend"] == "seed-loop" and rows[0]["speedup"] == pytest.approx(1.0)
        assert rows[1]["speedup"] == pytest.approx(rows[0]["ms_per_step"] / rows[1]["ms_per_step"])


    def test_loop_takes_settings(self):
        out = live("bench", "--loop", "--json", "--frames", "20", "--warmup", "5", "--set", "target.brush=5")
        figures = json.loads(out.stdout)
        assert figures["settings"] == {"target.brush": 5} and figures["frames"] == 20 and figures["fps"] > 0
        assert figures["sprites"] >= 1 and figures["size"] == 256  # the loop's own settings stay


class TestKioskBench:
    def test_both_scenes_at_the_panels_side(self):
        from live.display.layout import kiosk_layout
        from live.tools.bench import format_kiosk, run_kiosk_bench

        figures = run_kiosk_bench(480, 270, frames=3, warmup=90)
        assert figures["screen"] == "480x270" and figures["side"] == kiosk_layout(480, 270).canvas[2]
        attract, doodle = figures["attract"], figures["doodle"]
        assert doodle["sprites"] > attract["sprites"] > 0  # the fine pen's doodle takes more creatures
        for scene in (attract, doodle):
            assert scene["ms"] > 0 and scene["fps"] > 0 and scene["show_ms"] > 0
        assert "doodle" in format_kiosk(figures)

    def test_a_window_without_a_screen_is_one_line(self, monkeypatch, capsys):
        from live.cli import main

        monkeypatch.delenv("DISPLAY", raising=False)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        assert main(["bench", "--kiosk", "640x480", "--window", "--frames", "1"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "--window: no screen" in err[0]


class TestConfigCommand:
    def test_prints_overridden_toml(self):
        import tomllib

        out = live("config", "--set", "render.size=128")
        assert tomllib.loads(out.stdout)["render"]["size"] == 128


class TestOneLineErrors:
    """Bad input of every kind ends with one line naming what to fix, exit status 2 (in-process:
    the subprocess cases above show the same path end to end)."""

    @pytest.mark.parametrize(
        "args, words",
        [
            (["fit", "--target", "{tmp}"], "is a folder"),
            (["fit", "--text", "é"], "cannot draw ('é')"),
            (["fit", "--text", "\U0001f600"], "cannot draw"),
            (["fit", "--text", "A", "--set", "loss.reach=nan"], "config key 'loss.reach' = nan"),
            (["fit", "--text", "A", "--lr", "nan"], "config key 'optim.lr' = nan"),
            (["fit", "--text", "A", "--set", "render.sigma=inf"], "config key 'render.sigma' = inf"),
            (["fit", "--text", "A", "--set", "app.idle_seconds=nan"], "config key 'app.idle_seconds' = nan"),
            (["fit", "--text", "A", "--set", "render.ambient=nan"], "config key 'render.ambient' = nan"),
            (["fit", "--text", "A", "--set", "swarm.seed=1e23"], "config key 'swarm.seed'"),
            (["fit", "--text", "A", "--set", "swarm.seed=100000000000000000000000"], "config key 'swarm.seed'"),
            (["render", "--out", "{tmp}/r.npz", "--png", "{tmp}/x.txt"], "--png '{tmp}/x.txt' is not a .png file name"),
            (["bench", "--kiosk", "big"], "--kiosk takes WIDTHxHEIGHT"),
            (["bench", "--kiosk", "20x10"], "a kiosk screen is 64x48"),
            (["render", "--out", "{tmp}/dir.npz"], "--out '{tmp}/dir.npz' is a folder"),
            (["bench", "--loop", "--frames", "1", "--set", "target.brush=0"], "config key 'target.brush' = 0"),
            (["bench", "--loop", "--frames", "1", "--set", "brush"], "override 'brush' is not of the form"),
            (["run", "--headless", "--script", "{tmp}/nan.json"], "script events[0].t = nan"),
            (["run", "--headless", "--script", "{tmp}/fps.json"], "script fps = 1e+308"),
            (["run", "--headless", "--script", "{tmp}/inf.json"], "script events[0].t = inf"),
            (["run", "--headless", "--script", "{tmp}/fps.json", "--recordings", "{tmp}/file"], "script fps"),
            (["run", "--headless", "--script", "{tmp}/ok.json", "--recordings", "{tmp}/file"], "file' is a file"),
            (["run", "--headless", "--script", "{tmp}/ok.json", "--recordings", "{tmp}/file/sub"], "cannot write to"),
        ],
    )
    def test_one_line_exit_2(self, tmp_path, capsys, args, words):
        from live.cli import main

        (tmp_path / "dir.npz").mkdir()
        (tmp_path / "file").write_text("x")
        (tmp_path / "nan.json").write_text('{"events": [{"t": NaN, "key": "s"}]}')
        (tmp_path / "inf.json").write_text('{"events": [{"t": Infinity, "key": "s"}]}')
        (tmp_path / "fps.json").write_text('{"fps": 1e308, "events": []}')
        (tmp_path / "ok.json").write_text('{"events": [{"t": 0.1, "key": "s"}]}')
        args = [a.format(tmp=tmp_path) for a in args] + ["--size", "32", "--sprites", "2"]
        assert main(args) == 2
        err = capsys.readouterr().err
        errors = [line for line in err.splitlines() if "error" in line]
        assert len(errors) == 1 and "Traceback" not in err, err
        assert errors[0].startswith(f"live {args[0]}: error: ") and words.format(tmp=tmp_path) in errors[0], errors[0]
        assert not (tmp_path / "r.npz").exists()
