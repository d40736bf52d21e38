"""Recording names, tokens, lookup, deletion and disk use (live.share.recordings), URLs, and the
``[share]`` settings."""

from __future__ import annotations

import os
import secrets

import pytest

from live.config import ConfigError, ShareConfig, load_config
from live.share.addresses import base_url, recording_url
from live.share.recordings import delete_recording, disk_use, find_recording, is_token, list_recordings, parse_name

STAMP = "20261128-000816"


def _token() -> str:
    return secrets.token_urlsafe(16)


def _write(folder, name: str, size: int = 10) -> os.PathLike:
    path = folder / name
    path.write_bytes(b"x" * size)
    return path


class TestParseName:
    def test_recording_names(self):
        token = _token()
        assert len(token) == 22
        assert parse_name(f"{STAMP}-{token}.gif") == (STAMP, token, "gif")
        assert parse_name(f"{STAMP}-{token}.mp4") == (STAMP, token, "mp4")

    def test_tokens_with_dashes_and_underscores(self):
        token = "-_" * 11
        assert parse_name(f"{STAMP}-{token}.gif") == (STAMP, token, "gif")

    @pytest.mark.parametrize(
        "name",
        [
            "20261128-000816.gif",  # the old name, no token
            "20261128-000816-1.gif",
            f"{STAMP}-{'a' * 21}.gif",  # token too short
            f"{STAMP}-{'a' * 23}.gif",  # too long
            f"{STAMP}-{'a' * 21}=.gif",  # not URL-safe
            f".{STAMP}-{'a' * 22}.gif.tmp",  # the recorder's temporary file
            f".{STAMP}-{'a' * 22}.gif",  # hidden
            f"{STAMP}-{'a' * 22}.gif.tmp",
            f"{STAMP}-{'a' * 22}.png",
            f"{STAMP}-{'a' * 22}.GIF",
            f"demo-{STAMP}.gif",
            f"../{STAMP}-{'a' * 22}.gif",
            f"x/{STAMP}-{'a' * 22}.gif",
            f"{STAMP}-{'a' * 22}.gif\n",
            "",
        ],
    )
    def test_other_names(self, name):
        assert parse_name(name) is None

    def test_is_token(self):
        assert is_token(_token())
        assert not is_token("a" * 21)
        assert not is_token("a" * 21 + "/")
        assert not is_token("a" * 21 + "é")


class TestFolder:
    def test_lists_gifs_with_their_mp4_newest_first(self, tmp_path):
        old, new = _token(), _token()
        _write(tmp_path, f"20261127-100000-{old}.gif", 100)
        _write(tmp_path, f"{STAMP}-{new}.gif", 200)
        _write(tmp_path, f"{STAMP}-{new}.mp4", 50)
        found = list_recordings(tmp_path)
        assert [r.token for r in found] == [new, old]
        assert found[0].mp4 == tmp_path / f"{STAMP}-{new}.mp4"
        assert found[0].bytes == 250
        assert found[1].mp4 is None
        assert found[0].when == "2026-11-28 00:08:16"

    def test_skips_hidden_temporary_symlinked_and_odd_entries(self, tmp_path):
        kept = _token()
        _write(tmp_path, f"{STAMP}-{kept}.gif")
        tmp_token, link_token, dir_token, mp4_only = _token(), _token(), _token(), _token()
        _write(tmp_path, f".{STAMP}-{tmp_token}.gif.tmp")
        outside = _write(tmp_path.parent, "outside-secret.gif")
        (tmp_path / f"{STAMP}-{link_token}.gif").symlink_to(outside)
        (tmp_path / f"{STAMP}-{dir_token}.gif").mkdir()
        _write(tmp_path, f"{STAMP}-{mp4_only}.mp4")  # an MP4 without its GIF is not a recording
        _write(tmp_path, "notes.txt")
        assert [r.token for r in list_recordings(tmp_path)] == [kept]
        for token in (tmp_token, link_token, dir_token, mp4_only):
            assert find_recording(tmp_path, token) is None

    def test_symlinked_mp4_is_not_paired(self, tmp_path):
        token = _token()
        _write(tmp_path, f"{STAMP}-{token}.gif")
        (tmp_path / f"{STAMP}-{token}.mp4").symlink_to(_write(tmp_path.parent, "secret.mp4"))
        assert find_recording(tmp_path, token).mp4 is None

    def test_missing_folder_has_none(self, tmp_path):
        assert list_recordings(tmp_path / "nope") == []
        assert find_recording(tmp_path / "nope", _token()) is None
        assert disk_use(tmp_path / "nope").recordings == 0

    def test_find_needs_the_whole_token(self, tmp_path):
        token = _token()
        _write(tmp_path, f"{STAMP}-{token}.gif")
        assert find_recording(tmp_path, token).token == token
        for wrong in (token[:-1], token + "a", token.swapcase(), token[:-1] + ("a" if token[-1] != "a" else "b"), ""):
            assert find_recording(tmp_path, wrong) is None, wrong

    def test_delete_removes_both_files(self, tmp_path):
        token = _token()
        gif = _write(tmp_path, f"{STAMP}-{token}.gif", 30)
        mp4 = _write(tmp_path, f"{STAMP}-{token}.mp4", 70)
        assert delete_recording(find_recording(tmp_path, token)) == 100
        assert not gif.exists() and not mp4.exists()

    def test_disk_use(self, tmp_path):
        for size in (10, 20):
            _write(tmp_path, f"{STAMP}-{_token()}.gif", size)
        use = disk_use(tmp_path)
        assert (use.recordings, use.bytes) == (2, 30)
        assert 0 < use.free <= use.total


class TestUrls:
    def test_public_url_wins(self):
        settings = ShareConfig(public_url="https://clips.example.org/")
        assert base_url(settings, 8765, lan=lambda: "10.1.2.3") == "https://clips.example.org"

    def test_wildcard_host_is_the_lan_address(self):
        assert base_url(ShareConfig(host="0.0.0.0"), 8765, lan=lambda: "192.168.1.20") == "http://192.168.1.20:8765"

    def test_named_host_is_kept(self):
        assert base_url(ShareConfig(host="127.0.0.1"), 9000, lan=lambda: "x") == "http://127.0.0.1:9000"
        assert base_url(ShareConfig(host="::1"), 9000, lan=lambda: "x") == "http://[::1]:9000"

    def test_recording_url_carries_the_token(self):
        token = _token()
        assert recording_url("http://h:1", f"/x/{STAMP}-{token}.gif") == f"http://h:1/r/{token}"
        assert recording_url("http://h:1", "/x/20261128-000816.gif") is None


class TestShareConfig:
    def test_defaults_load(self):
        config = load_config(None, {"share.port": 0})
        assert config.share.port == 0 and config.share.enabled

    @pytest.mark.parametrize(
        "key, value, words",
        [
            ("share.staff_pin", "123", "at least 6"),
            ("share.staff_pin", " 123456", "at least 6"),
            ("share.public_url", "clips.example.org", "http://"),
            ("share.host", "", "address"),
            ("share.port", 70000, "out of range"),
            ("share.show_seconds", -1, "out of range"),
            ("share.max_body_bytes", 10, "out of range"),
        ],
    )
    def test_bad_values_name_the_key(self, key, value, words):
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")) as info:
            load_config(None, {key: value})
        assert words in str(info.value)
