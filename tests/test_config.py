import dataclasses

import pytest

from live.config import Config, ConfigError, format_config, load_config, parse_override
from tests.conftest import ROOT


class TestDefaults:
    def test_default_file_spells_out_every_default(self):
        assert load_config(ROOT / "configs" / "default.toml") == Config()

    def test_default_file_is_what_live_config_prints(self):
        text = (ROOT / "configs" / "default.toml").read_text()
        assert text.strip() == format_config(Config()).strip()

    def test_every_field_is_documented(self):
        text = format_config(Config())
        for section in dataclasses.fields(Config):
            for f in dataclasses.fields(getattr(Config(), section.name)):
                line = text.split(f"\n{f.name} = ")[0].rsplit("\n", 1)[-1]
                assert line.startswith("# "), f"{section.name}.{f.name} has no docstring"


class TestLoading:
    def test_partial_file_keeps_other_defaults(self, tmp_path):
        path = tmp_path / "c.toml"
        path.write_text("[render]\nsize = 128\n")
        config = load_config(path)
        assert config.render.size == 128
        assert config.swarm == Config().swarm

    def test_overrides_apply_last(self, tmp_path):
        path = tmp_path / "c.toml"
        path.write_text("[swarm]\nsprites = 5\n")
        assert load_config(path, {"swarm.sprites": 7}).swarm.sprites == 7

    def test_int_accepted_for_float(self):
        assert load_config(None, {"optim.lr": 1}).optim.lr == 1.0


class TestErrors:
    @pytest.mark.parametrize(
        "overrides, words",
        [
            ({"render.colour": 1}, ["unknown config key 'render.colour'", "render.size"]),
            ({"nope.x": 1}, ["unknown config key 'nope'", "render"]),
            ({"render.backend": "gl"}, ["render.backend", "'analytic'", "'pytorch3d'"]),
            ({"swarm.sprites": 0}, ["swarm.sprites", "from 1 to"]),
            ({"swarm.sprites": 2.5}, ["swarm.sprites", "an integer"]),
            ({"target.invert": "yes"}, ["target.invert", "true or false"]),
            ({"render": 3}, ["render", "table"]),
        ],
    )
    def test_one_line_naming_key_and_allowed(self, overrides, words):
        with pytest.raises(ConfigError) as info:
            load_config(None, overrides)
        message = str(info.value)
        assert "\n" not in message
        for word in words:
            assert word in message

    def test_unreadable_file(self, tmp_path):
        with pytest.raises(ConfigError, match="cannot read config file"):
            load_config(tmp_path / "missing.toml")

    def test_invalid_toml(self, tmp_path):
        path = tmp_path / "bad.toml"
        path.write_text("[render\nsize=")
        with pytest.raises(ConfigError, match="not valid TOML"):
            load_config(path)

    def test_override_syntax(self):
        assert parse_override("render.sigma=1e-4") == ("render.sigma", 1e-4)
        assert parse_override("render.backend=analytic") == ("render.backend", "analytic")
        with pytest.raises(ConfigError, match="section.key=value"):
            parse_override("size=3")
