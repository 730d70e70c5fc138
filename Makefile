# 415X Monitor — two commands on a fresh Debian machine:
#   make brief   set everything up, ingest the shipped data, build the default annual brief
#   make test    set up (if needed) and run the test suite
SHELL := /bin/bash
VENV   ?= .venv
PY     := $(VENV)/bin/python
QZ     := $(VENV)/bin/qz
YEAR   ?= 2025
SCENARIO ?= plan_path
FONT_DIR := $(VENV)/share/qz-fonts
FONT   := $(FONT_DIR)/wqy-microhei.ttc
SUDO   := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
APT_PACKAGES := python3-venv poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 shared-mime-info chromium

.PHONY: setup system venv font brief ingest test bench clean-outputs lab explorer

setup: system venv font  ## Everything the project needs; safe to run again.

system:  ## Debian packages: venv support, the PDF engine's libraries, poppler (pdffonts, pdftoppm), chromium (browser tests).
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PY) -m pip --version >/dev/null 2>&1 || python3 -m venv --clear $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (415X Monitor)" >/dev/null
	touch $@

venv: $(VENV)/.installed

# The CJK font lives inside the virtual environment (taken from Debian's
# fonts-wqy-microhei package without installing it system-wide), so charts and PDFs
# render Chinese on machines with no CJK font at all.
$(FONT):
	mkdir -p $(FONT_DIR)
	tmp=$$(mktemp -d) && cd $$tmp && \
	  (apt-get download fonts-wqy-microhei >/dev/null 2>&1 || ($(SUDO) apt-get update -qq && apt-get download fonts-wqy-microhei)) && \
	  dpkg-deb -x fonts-wqy-microhei_*.deb x && \
	  cp x/usr/share/fonts/truetype/wqy/wqy-microhei.ttc $(abspath $(FONT)) && \
	  cp x/usr/share/doc/fonts-wqy-microhei/copyright $(abspath $(FONT_DIR))/wqy-microhei.copyright && \
	  rm -rf $$tmp

font: $(FONT)

ingest: setup  ## Plan document + statistics -> data/processed/
	$(QZ) ingest

# data/processed is not committed (it is a link to its current version): a fresh clone
# ingests once before the tests.
data/processed: | setup
	$(QZ) ingest

brief: ingest  ## The main job: the annual brief for YEAR and SCENARIO in outputs/
	$(QZ) brief --year $(YEAR) --scenario $(SCENARIO)

test: setup data/processed  ## The whole test suite (papermill runs included)
	$(PY) -m pytest -n 2 --dist loadgroup  # two workers; expensive fixtures built once (tests/conftest.py)

bench: setup  ## Accuracy and speed figures (printed), and the tests too long for make test
	$(PY) -m pytest -m bench
	$(PY) bench/forecast.py --data bench/data/m3_yearly_dev.csv --last 0 --last 8 --last 6 --last 4
	$(PY) bench/procedures.py --data bench/data/m3_yearly_dev.csv
	$(PY) bench/families.py --data bench/data/m3_yearly_dev.csv
	$(PY) bench/intervals.py --data bench/data/m3_yearly_dev.csv
	$(PY) bench/interval_scale.py --data bench/data/m3_yearly_dev.csv
	$(PY) bench/scenarios.py
	$(PY) bench/explorer.py
	$(PY) bench/brief.py
	$(PY) bench/batch.py

lab: setup  ## Open JupyterLab on the notebooks (as root too: Jupyter refuses root without --allow-root)
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

PORT ?= 8866
HOST ?= 127.0.0.1
explorer: setup  ## The scenario explorer as a web page (Voila) at http://$(HOST):$(PORT)/ (HOST=0.0.0.0: colleagues, with a token)
	@[ -f data/processed/indicators.csv ] || $(QZ) ingest
	$(QZ) explore --port $(PORT) --host $(HOST)

clean-outputs:
	rm -rf outputs/*/
