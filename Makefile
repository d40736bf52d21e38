# Two commands for a fresh Linux machine with Python 3.11:
#   make run    - install into .venv when needed, then start the installation
#   make test   - install into .venv when needed, then lint (ruff) and run the tests
# The venv is rebuilt only when pyproject.toml changes (the stamp file below).
# A kiosk (README, "Set up a kiosk"):
#   make kiosk-packages  - the Debian/Ubuntu packages a bare kiosk needs (sudo apt-get)
#   make kiosk-service   - the systemd user unit, its local drop-in and ~/.config/live/kiosk.toml

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
STAMP  := $(VENV)/.installed
ARGS   ?=

#: What a bare Debian 12 / Ubuntu 22.04 kiosk needs: an X server with a display manager for
#: autologin, openbox (fullscreen), xset (no blanking), the visitor texts' font, Python 3.11 with
#: venv, the libraries the OpenCV and MediaPipe wheels load (GL, GLib, X11 session), make and git,
#: and v4l-utils to list webcams (v4l2-ctl --list-devices).
KIOSK_PACKAGES := xserver-xorg lightdm openbox x11-xserver-utils fonts-dejavu-core \
	python3.11 python3.11-venv libgl1 libglib2.0-0 libsm6 libice6 libxext6 libx11-6 libxcb1 \
	make git v4l-utils
UNIT_DIR     ?= $(HOME)/.config/systemd/user
KIOSK_CONFIG ?= $(HOME)/.config/live/kiosk.toml
SYSTEMCTL    ?= systemctl

.PHONY: run test lint install clean kiosk-packages kiosk-service

run: $(STAMP)
	$(VENV)/bin/live run $(ARGS)

test: lint
	$(VENV)/bin/python -m pytest $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "live needs Python 3.11 (set PYTHON=/path/to/python3.11)")'
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info

kiosk-packages:
	sudo apt-get update
	sudo apt-get install -y --no-install-recommends $(KIOSK_PACKAGES)

# The unit as shipped, a drop-in with this checkout's folder and the config file, and the config
# file itself from configs/kiosk.toml when there is none yet (an existing one is kept).
kiosk-service:
	mkdir -p "$(UNIT_DIR)/live.service.d" "$(dir $(KIOSK_CONFIG))"
	test -e "$(KIOSK_CONFIG)" || cp configs/kiosk.toml "$(KIOSK_CONFIG)"
	cp deploy/live.service "$(UNIT_DIR)/live.service"
	sed -e 's|@CHECKOUT@|$(CURDIR)|g' -e 's|@CONFIG@|$(KIOSK_CONFIG)|g' deploy/local.conf.in \
		> "$(UNIT_DIR)/live.service.d/local.conf"
	$(SYSTEMCTL) --user daemon-reload
	$(SYSTEMCTL) --user enable live.service
	@echo "now set share.staff_pin in $(KIOSK_CONFIG), then: $(CURDIR)/.venv/bin/live doctor --config $(KIOSK_CONFIG)"
