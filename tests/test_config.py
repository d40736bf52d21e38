import dataclasses

import pytest

from live.config import Config, ConfigError, format_config, load_config, parse_override
from tests.conftest import ROOT


def float_keys() -> list[str]:
    """``section.key`` of every float field of the settings dataclasses."""
    import typing

    keys = []
    for section in dataclasses.fields(Config):
        cls = typing.get_type_hints(Config)[section.name]
        hints = typing.get_type_hints(cls)
        keys += [f"{section.name}.{f.name}" for f in dataclasses.fields(cls) if hints[f.name] is float]
    return keys


FLOAT_KEYS = float_keys()


def test_the_float_keys_are_found():
    assert {"loss.attraction", "render.sigma", "app.max_fps", "hand.step"} <= set(FLOAT_KEYS)
    assert "swarm.seed" not in FLOAT_KEYS and len(FLOAT_KEYS) > 30


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

    @pytest.mark.parametrize(
        "key, text",
        [
            ("loss.reach", "nan"),
            ("app.idle_seconds", "nan"),
            ("render.ambient", "nan"),
            ("optim.lr", "nan"),
            ("render.sigma", "nan"),
            ("render.sigma", "inf"),
            ("app.max_fps", "-inf"),
            ("record.keep_mb", "inf"),
            ("hand.step", "+nan"),
        ],
    )
    def test_non_finite_floats_name_the_key(self, key, text):
        with pytest.raises(ConfigError) as info:
            load_config(None, dict([parse_override(f"{key}={text}")]))
        message = str(info.value)
        assert message.startswith(f"config key '{key}' = ") and "finite number" in message
        assert "\n" not in message

    @pytest.mark.parametrize("key", FLOAT_KEYS)
    @pytest.mark.parametrize("text", ["nan", "inf", "-inf"])
    def test_every_float_key_refuses_non_finite_values(self, key, text):
        """Generated from the settings dataclasses: a float key added later is covered too."""
        with pytest.raises(ConfigError) as info:
            load_config(None, dict([parse_override(f"{key}={text}")]))
        message = str(info.value)
        assert message.startswith(f"config key '{key}' = ") and "finite number" in message

    @pytest.mark.parametrize(
        "text, words",
        [
            ("1e23", ["swarm.seed", "an integer"]),
            ("100000000000000000000000", ["swarm.seed", "out of range", "9223372036854775807"]),
        ],
    )
    def test_overflowing_seed_names_the_key(self, text, words):
        with pytest.raises(ConfigError) as info:
            load_config(None, dict([parse_override(f"swarm.seed={text}")]))
        for word in words:
            assert word in str(info.value)

    def test_huge_integer_for_a_float(self):
        with pytest.raises(ConfigError, match="config key 'optim.lr' = 1000.* finite number"):
            load_config(None, {"optim.lr": 10**400})

    def test_nan_in_a_file_names_the_key(self, tmp_path):
        path = tmp_path / "c.toml"
        path.write_text("[loss]\nreach = nan\n")
        with pytest.raises(ConfigError, match="config key 'loss.reach' = nan"):
            load_config(path)

    def test_byte_order_mark_is_accepted(self, tmp_path):
        path = tmp_path / "c.toml"
        path.write_bytes("\ufeff[render]\nsize = 128\n".encode("utf-8"))
        assert load_config(path).render.size == 128

    def test_not_utf8(self, tmp_path):
        path = tmp_path / "c.toml"
        path.write_bytes(b"[render]\nsize = 128 # \xff\n")
        with pytest.raises(ConfigError, match="not UTF-8"):
            load_config(path)

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
