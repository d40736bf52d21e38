"""The share server for real: uvicorn in its thread on 127.0.0.1, httpx and raw sockets as clients.

Pages, GIF bytes, MP4 range requests, wrong tokens, traversal attempts, limits and the staff PIN.
The attempts are parametrised, so ``pytest -v`` lists every path tried and its answer.
"""

from __future__ import annotations

import re
import secrets
import socket
import time

import httpx
import pytest

from live.share import ShareServer
from tests.share_helpers import LOOPBACK, STAMP, get_raw, loopback_settings, raw_request, write_recording

#: What the secret file outside the recordings folder holds; no response may contain it.
SECRET = b"SECRET-OUTSIDE-THE-RECORDINGS-FOLDER"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A recordings folder (one recording with MP4, one without, traps beside them) served on
    127.0.0.1. Yields (server, folder, tokens dict)."""
    root = tmp_path_factory.mktemp("share")
    folder = root / "recordings"
    tokens = {"full": write_recording(folder), "gif_only": write_recording(folder, mp4=False, stamp="20261128-000900")}
    secret = root / "secret.txt"
    secret.write_bytes(SECRET)
    traps = {}
    traps["symlink"] = secrets.token_urlsafe(16)  # a link named like a recording, to a file outside
    (folder / f"{STAMP}-{traps['symlink']}.gif").symlink_to(secret)
    traps["tmp"] = secrets.token_urlsafe(16)  # the recorder's temporary file
    (folder / f".{STAMP}-{traps['tmp']}.gif.tmp").write_bytes(SECRET)
    traps["hidden"] = secrets.token_urlsafe(16)
    (folder / f".{STAMP}-{traps['hidden']}.gif").write_bytes(SECRET)
    traps["dir"] = secrets.token_urlsafe(16)
    (folder / f"{STAMP}-{traps['dir']}.gif").mkdir()
    traps["linked_dir"] = secrets.token_urlsafe(16)
    (folder / f"{STAMP}-{traps['linked_dir']}.gif").symlink_to(root, target_is_directory=True)
    with ShareServer(loopback_settings(), folder) as server:
        yield server, folder, tokens, traps


@pytest.fixture(scope="module")
def client(site):
    server = site[0]
    with httpx.Client(base_url=server.local_url, trust_env=False, timeout=10.0) as c:
        yield c


class TestPages:
    def test_server_listens_on_loopback_only(self, site):
        server = site[0]
        assert server.local_url.startswith(f"http://{LOOPBACK}:")
        assert server.base_url == server.local_url

    def test_recording_page(self, site, client):
        token = site[2]["full"]
        r = client.get(f"/r/{token}")
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        page = r.text
        video = re.search(r"<video [^>]*>", page)
        assert video, page
        wanted = ["autoplay", "muted", "loop", "playsinline", f'src="/r/{token}.mp4"', f'poster="/r/{token}.png"']
        for attribute in wanted:
            assert attribute in video[0], attribute
        assert "width=128 height=64" in video[0], "the clip's place is reserved at its aspect ratio"
        assert f'href="/r/{token}.mp4?download=1"' in page and ">Save video<" in page
        assert f'href="/r/{token}.gif?download=1"' in page and ">Save GIF<" in page
        assert "Save to Photos" in page, "the iPhone hint"
        assert 'name=viewport content="width=device-width' in page
        assert len(r.content) < 4096, "the page stays tiny"

    def test_page_without_mp4_shows_the_gif(self, site, client):
        token = site[2]["gif_only"]
        page = client.get(f"/r/{token}").text
        assert f'<img class=clip id=clip src="/r/{token}.gif" width=128 height=64' in page
        assert "<video" not in page and ".mp4" not in page
        assert f'href="/r/{token}.gif?download=1"' in page and "press and hold the picture" in page
        assert client.get(f"/r/{token}.mp4").status_code == 404

    @pytest.mark.parametrize("which", ["full", "gif_only"])
    def test_poster_is_the_first_frame(self, site, client, which):
        import io

        import numpy as np
        from PIL import Image

        r = client.get(f"/r/{site[2][which]}.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        still = np.asarray(Image.open(io.BytesIO(r.content)).convert("RGB"))
        assert still.shape == (64, 128, 3)
        stamp = STAMP if which == "full" else "20261128-000900"
        first = np.asarray(Image.open(site[1] / f"{stamp}-{site[2][which]}.gif").convert("RGB"))
        assert np.array_equal(still, first)
        assert client.get(f"/r/{site[2][which]}.png").content == r.content, "kept, the same bytes"

    def test_pages_load_nothing_from_outside(self, site, client):
        token = site[2]["full"]
        for path in ("/", f"/r/{token}", "/staff", "/r/" + "A" * 22):
            page = client.get(path).text
            assert "http:" not in page and "https:" not in page and "//" not in page.replace("://", ""), path
            assert "<script" not in page, path
        csp = client.get(f"/r/{token}").headers["content-security-policy"]
        assert "default-src 'none'" in csp and "img-src 'self'" in csp

    def test_home_lists_nothing(self, site, client):
        r = client.get("/")
        assert r.status_code == 200
        for token in site[2].values():
            assert token not in r.text

    def test_security_headers(self, site, client):
        r = client.get(f"/r/{site[2]['full']}.gif")
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


class TestFiles:
    def test_gif_bytes_equal_the_file(self, site, client):
        server, folder, tokens, _ = site
        r = client.get(f"/r/{tokens['full']}.gif")
        assert r.status_code == 200
        assert r.headers["content-type"] == "image/gif"
        assert r.content == (folder / f"{STAMP}-{tokens['full']}.gif").read_bytes()
        assert r.content[:6] == b"GIF89a"

    def test_download_names_the_file(self, site, client):
        r = client.get(f"/r/{site[2]['full']}.gif?download=1")
        assert r.headers["content-disposition"] == f'attachment; filename="live-{STAMP}.gif"'
        assert "content-disposition" not in client.get(f"/r/{site[2]['full']}.gif").headers

    def test_head(self, site, client):
        folder, token = site[1], site[2]["full"]
        r = client.head(f"/r/{token}.mp4")
        assert r.status_code == 200 and r.content == b""
        assert int(r.headers["content-length"]) == (folder / f"{STAMP}-{token}.mp4").stat().st_size

    def test_mp4_whole(self, site, client):
        folder, token = site[1], site[2]["full"]
        r = client.get(f"/r/{token}.mp4")
        assert r.status_code == 200
        assert r.headers["content-type"] == "video/mp4"
        assert r.headers["accept-ranges"] == "bytes"
        assert r.content == (folder / f"{STAMP}-{token}.mp4").read_bytes()
        assert r.content[4:8] == b"ftyp"

    @pytest.mark.parametrize(
        "spec",
        ["bytes=0-1", "bytes=0-0", "bytes=100-199", "bytes=500-", "bytes=-64", "bytes=0-99999999"],
    )
    def test_mp4_range(self, site, client, spec):
        folder, token = site[1], site[2]["full"]
        data = (folder / f"{STAMP}-{token}.mp4").read_bytes()
        size = len(data)
        first, last = spec.removeprefix("bytes=").split("-")
        if first == "":
            start, end = size - int(last), size - 1
        else:
            start, end = int(first), min(int(last), size - 1) if last else size - 1
        r = client.get(f"/r/{token}.mp4", headers={"Range": spec})
        assert r.status_code == 206
        assert r.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert r.content == data[start : end + 1]
        assert int(r.headers["content-length"]) == end - start + 1

    def test_mp4_two_ranges(self, site, client):
        folder, token = site[1], site[2]["full"]
        data = (folder / f"{STAMP}-{token}.mp4").read_bytes()
        r = client.get(f"/r/{token}.mp4", headers={"Range": "bytes=0-9,20-29"})
        assert r.status_code == 206
        assert r.headers["content-type"].startswith("multipart/byteranges")
        assert data[0:10] in r.content and data[20:30] in r.content

    def test_mp4_range_beyond_the_end(self, site, client):
        folder, token = site[1], site[2]["full"]
        size = (folder / f"{STAMP}-{token}.mp4").stat().st_size
        r = client.get(f"/r/{token}.mp4", headers={"Range": f"bytes={size}-"})
        assert r.status_code == 416
        assert r.headers["content-range"] == f"bytes */{size}"

    def test_stale_if_range_gets_the_whole_file(self, site, client):
        folder, token = site[1], site[2]["full"]
        r = client.get(f"/r/{token}.mp4", headers={"Range": "bytes=0-1", "If-Range": '"stale"'})
        assert r.status_code == 200
        assert r.content == (folder / f"{STAMP}-{token}.mp4").read_bytes()

    def test_gif_range(self, site, client):
        token = site[2]["full"]
        r = client.get(f"/r/{token}.gif", headers={"Range": "bytes=0-5"})
        assert (r.status_code, r.content) == (206, b"GIF89a")


def _guesses() -> list[tuple[str, str]]:
    """(why, path) of token guesses; every one must get 404 (or 400)."""
    fixed = "Z" * 22
    return [
        ("random token 1", None),
        ("random token 2", None),
        ("random token 3", None),
        ("all Z", f"/r/{fixed}"),
        ("all Z .gif", f"/r/{fixed}.gif"),
        ("all Z .mp4", f"/r/{fixed}.mp4"),
        ("empty token", "/r/"),
        ("no token", "/r"),
        ("21 chars", "/r/" + "a" * 21),
        ("23 chars", "/r/" + "a" * 23),
    ]


GUESSES = _guesses()


class TestTokenGuessing:
    """Every guess gets 404 or 400; the known tokens are altered one way each."""

    @pytest.mark.parametrize("why, path", GUESSES, ids=[g[0] for g in GUESSES])
    def test_guesses(self, site, client, why, path):
        if path is None:
            path = "/r/" + secrets.token_urlsafe(16)
        r = client.get(path)
        assert r.status_code in (400, 404), f"{why}: {path} -> {r.status_code}"
        assert b"GIF8" not in r.content

    ALTERATIONS = {
        "one character changed": lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        "case swapped": lambda t: t.swapcase(),
        "last character dropped": lambda t: t[:-1],
        "one character added": lambda t: t + "A",
        "file name as token": lambda t: f"{STAMP}-{t}",
        "file name .gif": lambda t: f"{STAMP}-{t}.gif",
        "token .jpg": lambda t: f"{t}.jpg",
        "token .png.gif": lambda t: f"{t}.png.gif",
        "token .gif.tmp": lambda t: f"{t}.gif.tmp",
        "token .GIF": lambda t: f"{t}.GIF",
        "token/ .gif": lambda t: f"{t}/.gif",
    }

    @pytest.mark.parametrize("how", list(ALTERATIONS))
    def test_altered_tokens(self, site, client, how):
        path = "/r/" + self.ALTERATIONS[how](site[2]["full"])
        r = client.get(path)
        assert r.status_code in (400, 404), f"{how}: {path} -> {r.status_code}"
        assert b"GIF8" not in r.content

    @pytest.mark.parametrize("path", ["/{name}", "/recordings/{name}", "/r/{name}", "/static/{name}", "/{token}.gif"])
    def test_files_by_name(self, site, client, path):
        token = site[2]["full"]
        path = path.format(name=f"{STAMP}-{token}.gif", token=token)
        assert client.get(path).status_code in (400, 404), path

    @pytest.mark.parametrize("trap", ["symlink", "tmp", "hidden", "dir", "linked_dir"])
    @pytest.mark.parametrize("suffix", ["", ".gif", ".mp4", ".png"])
    def test_traps_in_the_folder(self, site, client, trap, suffix):
        path = f"/r/{site[3][trap]}{suffix}"
        r = client.get(path)
        assert r.status_code == 404, f"{trap}: {path} -> {r.status_code}"
        assert SECRET not in r.content


def _traversals(token: str) -> list[bytes]:
    t = token.encode()
    return [
        b"/r/../../../../etc/passwd",
        b"/r/../secret.txt",
        b"/../secret.txt",
        b"/r/..%2F..%2F..%2Fetc%2Fpasswd",
        b"/r/..%2Fsecret.txt",
        b"/r/%2e%2e/%2e%2e/etc/passwd",
        b"/r/%2E%2E%2Fsecret.txt",
        b"/r/..%252F..%252Fsecret.txt",
        b"/r/%252e%252e%252fsecret.txt",
        b"/r/..%c0%af..%c0%afsecret.txt",
        b"/r/..\\..\\secret.txt",
        b"/r/%5c..%5csecret.txt",
        b"/etc/passwd",
        b"//etc/passwd",
        b"/r//etc/passwd",
        b"/r/%2Fetc%2Fpasswd",
        b"/r/" + t + b".gif/../../secret.txt",
        b"/r/" + t + b"/../../secret.txt",
        b"/r/" + t + b"%00.gif",
        b"/r/" + t + b".gif%00.txt",
        b"/r/" + t + b"%2Egif",
        b"/r/" + t + b"%2egif",
        b"/r/%2e%2e",
        b"/r/.",
        b"/r/..",
        b"/./r/" + t,
        b"/r/./" + t + b".gif",
        b"http://127.0.0.1/../secret.txt",
        b"file:///etc/passwd",
        b"/r/~root/.ssh/id_rsa",
        b"/r/\xc3\xa9" + t,
    ]


class TestTraversal:
    """Paths sent byte for byte over a socket (no client normalises them): 404 or 400 each."""

    def test_every_attempt_is_refused(self, site):
        server, _, tokens, _ = site
        answers = []
        for target in _traversals(tokens["full"]):
            status, response = get_raw(server.port, target)
            answers.append((target, status))
            assert status in (400, 404), f"{target!r} -> {status}"
            assert SECRET not in response and b"root:" not in response and b"GIF8" not in response, target
        print("\n".join(f"{status} {target.decode('latin-1')}" for target, status in answers))

    def test_the_same_socket_client_gets_real_files(self, site):
        """The raw client works: the check above could fail."""
        server, _, tokens, _ = site
        status, response = get_raw(server.port, f"/r/{tokens['full']}.gif".encode())
        assert status == 200 and b"GIF89a" in response

    @pytest.mark.parametrize("length", [600, 5000, 20000, 200000])
    def test_very_long_urls(self, site, length):
        status, _ = get_raw(site[0].port, b"/r/" + b"A" * length)
        assert status in (400, 404), f"{length} chars -> {status}"

    def test_long_query(self, site):
        status, _ = get_raw(site[0].port, f"/r/{site[2]['full']}.gif?x=".encode() + b"y" * 1000)
        assert status == 400

    def test_huge_header(self, site):
        status, _ = raw_request(
            site[0].port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Big: " + b"a" * 40000
        )
        assert status == 400


class TestLimits:
    def test_other_methods(self, site, client):
        token = site[2]["full"]
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            assert client.request(method, f"/r/{token}.gif").status_code == 405, method
        assert (site[1] / f"{STAMP}-{token}.gif").exists()

    def test_large_body_is_refused(self, site):
        port = site[0].port
        body = b"pin=" + b"1" * 10000
        head = (
            b"POST /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d" % len(body)
        )
        status, _ = raw_request(port, head, body)
        assert status == 413

    def test_chunked_large_body_is_refused(self, site):
        port = site[0].port
        chunk = b"a" * 3000
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3)) + b"0\r\n\r\n"
        head = b"POST /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked"
        status, _ = raw_request(port, head, body)
        assert status == 413

    def test_half_a_request_is_cut_off(self, site):
        """A client that sends part of a request head and stops is disconnected after timeout_s."""
        began = time.monotonic()
        with socket.create_connection((LOOPBACK, site[0].port), timeout=10) as sock:
            sock.sendall(b"GET /r/ HTTP/1.1\r\nHost: 127.")
            assert sock.recv(1024) == b""  # closed by the server
        waited = time.monotonic() - began
        assert 0.5 < waited < 5.0, waited

    def test_a_slow_trickle_is_cut_off(self, site):
        began = time.monotonic()
        with socket.create_connection((LOOPBACK, site[0].port), timeout=10) as sock:
            closed = False
            for byte in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 100:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                time.sleep(0.05)
                if time.monotonic() - began > 4.0:
                    break
            if not closed:
                sock.settimeout(3.0)
                try:
                    closed = sock.recv(1024) == b""
                except ConnectionResetError:
                    closed = True
        assert closed
        assert time.monotonic() - began < 6.0

    def test_slow_body_gets_408(self, site):
        with socket.create_connection((LOOPBACK, site[0].port), timeout=10) as sock:
            sock.sendall(b"POST /staff/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\npin=12")
            data = sock.recv(4096)
        assert data.startswith(b"HTTP/1.1 408")

    def test_pipelined_requests_are_answered_in_turn(self, site):
        token = site[2]["full"]
        with socket.create_connection((LOOPBACK, site[0].port), timeout=10) as sock:
            head = f"GET /r/{token} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
            sock.sendall(head + head.replace(f"/r/{token}".encode(), f"/r/{token}.png".encode()))
            data = b""
            while data.count(b"HTTP/1.1 200") < 2 or not data.rstrip().endswith(b"IEND\xaeB`\x82"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        assert data.count(b"HTTP/1.1 200") == 2 and b"</html>" in data and b"image/png" in data

    def test_idle_keep_alive_is_closed(self, site):
        with socket.create_connection((LOOPBACK, site[0].port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # keep-alive
            began = time.monotonic()
            data = b""
            while chunk := sock.recv(65536):  # the response, then the close after timeout_s
                data += chunk
            assert data.startswith(b"HTTP/1.1 200") and data.endswith(b"</html>")
            assert 0.5 < time.monotonic() - began < 4.0


class TestStaff:
    @pytest.fixture
    def staff_site(self, tmp_path):
        folder = tmp_path / "recordings"
        tokens = [write_recording(folder, mp4=False, stamp=f"20261128-00000{i}") for i in range(3)]
        with ShareServer(loopback_settings(staff_pin="staff-4321"), folder) as server:
            with httpx.Client(base_url=server.local_url, trust_env=False, timeout=10.0) as c:
                yield server, folder, tokens, c

    def test_without_the_pin_nothing_is_listed(self, staff_site):
        _, _, tokens, c = staff_site
        r = c.get("/staff")
        assert r.status_code == 200 and "PIN" in r.text
        assert not any(t in r.text for t in tokens)

    def test_wrong_pin(self, staff_site):
        _, _, tokens, c = staff_site
        r = c.post("/staff/login", data={"pin": "staff-1234"})
        assert r.status_code == 403
        assert not any(t in r.text for t in tokens)
        assert "live_staff" not in r.headers.get("set-cookie", "")
        assert c.get("/staff").status_code == 200 and tokens[0] not in c.get("/staff").text

    def test_right_pin_lists_recordings_and_disk_use(self, staff_site):
        _, folder, tokens, c = staff_site
        r = c.post("/staff/login", data={"pin": "staff-4321"}, follow_redirects=True)
        assert r.status_code == 200
        for t in tokens:
            assert f'href="/r/{t}"' in r.text
        assert "3 kept" in r.text and "free of" in r.text
        cookie = c.cookies.get("live_staff")
        assert cookie and len(cookie) >= 40

    def test_delete_asks_first(self, staff_site):
        _, folder, tokens, c = staff_site
        c.post("/staff/login", data={"pin": "staff-4321"})
        r = c.post("/staff/delete", data={"token": tokens[1]})
        assert r.status_code == 200 and "Delete this recording?" in r.text
        assert 'name=confirm value=yes' in r.text and 'href="/staff">Keep it' in r.text
        assert len(list(folder.glob("*.gif"))) == 3, "nothing deleted before the answer"
        for wrong in ("no", "", "YES"):
            c.post("/staff/delete", data={"token": tokens[1], "confirm": wrong})
        assert len(list(folder.glob("*.gif"))) == 3

    def test_delete(self, staff_site):
        _, folder, tokens, c = staff_site
        c.post("/staff/login", data={"pin": "staff-4321"})
        r = c.post("/staff/delete", data={"token": tokens[1], "confirm": "yes"}, follow_redirects=True)
        assert r.status_code == 200 and tokens[1] not in r.text and "2 kept" in r.text
        assert "The recording was deleted." in r.text
        assert not list(folder.glob(f"*{tokens[1]}*"))
        assert c.get(f"/r/{tokens[1]}").status_code == 404
        assert c.get(f"/r/{tokens[0]}").status_code == 200

    def test_delete_needs_the_session(self, staff_site):
        server, folder, tokens, c = staff_site
        assert c.post("/staff/delete", data={"token": tokens[0], "confirm": "yes"}).status_code == 403
        c.cookies.set("live_staff", secrets.token_urlsafe(32), domain=LOOPBACK, path="/staff")
        assert c.post("/staff/delete", data={"token": tokens[0], "confirm": "yes"}).status_code == 403
        assert len(list(folder.glob("*.gif"))) == 3

    def test_delete_from_another_site_is_refused(self, staff_site):
        _, folder, tokens, c = staff_site
        c.post("/staff/login", data={"pin": "staff-4321"})
        r = c.post(
            "/staff/delete", data={"token": tokens[0], "confirm": "yes"}, headers={"Origin": "http://evil.example"}
        )
        assert r.status_code == 403
        assert len(list(folder.glob("*.gif"))) == 3

    def test_a_browser_post_from_another_site_is_refused(self, staff_site):
        _, folder, tokens, c = staff_site
        c.post("/staff/login", data={"pin": "staff-4321"})
        for site in ("cross-site", "same-site", "none"):
            r = c.post("/staff/delete", data={"token": tokens[0], "confirm": "yes"}, headers={"Sec-Fetch-Site": site})
            assert r.status_code == 403, site
        assert len(list(folder.glob("*.gif"))) == 3
        r = c.post(
            "/staff/delete", data={"token": tokens[0], "confirm": "yes"}, headers={"Sec-Fetch-Site": "same-origin"}
        )
        assert r.status_code == 303 and len(list(folder.glob("*.gif"))) == 2

    def test_staff_pages_send_their_referrer_to_this_server_only(self, staff_site, client):
        """So a browser's form posts carry their true Origin; visitors' pages send none."""
        c = staff_site[3]
        assert c.get("/staff").headers["referrer-policy"] == "same-origin"
        assert client.get("/").headers["referrer-policy"] == "no-referrer"

    def test_delete_cannot_reach_outside(self, staff_site, tmp_path):
        _, folder, _, c = staff_site
        c.post("/staff/login", data={"pin": "staff-4321"})
        victim = tmp_path / "keep.txt"
        victim.write_text("keep")
        for token in ("../keep.txt", str(victim), "..%2Fkeep.txt", "A" * 22):
            assert c.post("/staff/delete", data={"token": token, "confirm": "yes"}).status_code == 404, token
        assert victim.exists() and len(list(folder.glob("*.gif"))) == 3

    def test_logout(self, staff_site):
        _, _, tokens, c = staff_site
        c.post("/staff/login", data={"pin": "staff-4321"})
        assert tokens[0] in c.get("/staff").text
        c.post("/staff/logout")
        assert tokens[0] not in c.get("/staff").text

    def test_too_many_wrong_pins(self, staff_site):
        _, _, tokens, c = staff_site
        statuses = [c.post("/staff/login", data={"pin": f"wrong-{i}"}).status_code for i in range(5)]
        assert statuses == [403] * 5
        r = c.post("/staff/login", data={"pin": "staff-4321"})
        assert r.status_code == 429, "even the right PIN waits a minute after 5 wrong ones"
        assert tokens[0] not in r.text

    def test_no_pin_no_staff_page(self, tmp_path):
        with ShareServer(loopback_settings(staff_pin=""), tmp_path) as server:
            with httpx.Client(base_url=server.local_url, trust_env=False) as c:
                assert c.get("/staff").status_code == 404
                assert c.post("/staff/login", data={"pin": ""}).status_code == 404


class TestServer:
    def test_taken_port_says_what_to_do(self, site, tmp_path):
        with pytest.raises(OSError, match="share.port"):
            ShareServer(loopback_settings(port=site[0].port), tmp_path).start()

    def test_closes_and_frees_the_port(self, tmp_path):
        server = ShareServer(loopback_settings(), tmp_path).start()
        port = server.port
        server.close()
        assert not server.running
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((LOOPBACK, port))
        server.close()  # twice is fine

    def test_new_recordings_appear_without_restart(self, tmp_path):
        with ShareServer(loopback_settings(), tmp_path) as server:
            token = write_recording(tmp_path, mp4=False)
            with httpx.Client(base_url=server.local_url, trust_env=False) as c:
                assert c.get(f"/r/{token}.gif").status_code == 200
            assert server.url_for(tmp_path / f"{STAMP}-{token}.gif") == f"{server.base_url}/r/{token}"
