# Two commands do all set-up on a fresh machine:
#   make run    run the service on the embedded Bắc Ninh (ex-Bắc Giang + Bắc Ninh) data
#               (make run-national: all of Vietnam on port 8001; built on first use, ~2 minutes)
#   make test   run the test suite (installs Debian's Chromium, gdal-bin, PostgreSQL and nginx for the
#               browser, OGC, store and proxy tests when root; those start throwaway servers themselves)

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
NATIONAL_PORT ?= 8001
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run run-national build-national test lint build-boundaries check-boundaries bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	$(VENV)/bin/geo-ntm serve --host $(HOST) --port $(PORT)

run-national: $(STAMP)
	GEO_NTM_REGION=vn $(VENV)/bin/geo-ntm serve --host $(HOST) --port $(NATIONAL_PORT)

build-national: $(STAMP)
	$(VENV)/bin/geo-ntm boundaries build --national --out var/regions

test: $(STAMP)
	@scripts/ensure-chromium
	@scripts/ensure-gdal
	@scripts/ensure-servers
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check geo_ntm api tests bench
	$(VENV)/bin/ruff format --check geo_ntm api tests bench

build-boundaries: $(STAMP)
	$(VENV)/bin/geo-ntm boundaries build --province 24

check-boundaries: $(STAMP)
	$(VENV)/bin/geo-ntm boundaries check

clean:
	rm -rf $(VENV) .pytest_cache
