# GPEC Connectivity Curriculum: two commands, `make book` and `make test`.
# Everything runs inside .venv, created from requirements-dev.lock (exact pins), which adds the
# book, test and lint tools to requirements-learner.lock (what Binder, Colab and the kit install).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.installed
export PYTHONHASHSEED := 0
# Scripts and unit tests draw off-screen (Agg). The kernels that run the notebooks (nbval)
# and render the book must NOT inherit MPLBACKEND: it would stop Jupyter's inline backend
# from drawing, and every figure would be missing from the notebooks and the site.
unexport MPLBACKEND
AGG := MPLBACKEND=Agg
# One BLAS/OpenMP thread: results and timings do not depend on the machine's core count.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
# Notebooks and the book build run offline: no tile downloads or update checks at build time.
export PYDEVD_DISABLE_FILE_VALIDATION := 1

PYTEST_ARGS ?=
NBVAL_ARGS  := --nbval-lax --nbval-current-env --nbval-cell-timeout=300 \
               --nbval-sanitize-with tests/nbval_sanitize.cfg -o addopts=-ra

.PHONY: help venv book test test-unit test-wheel test-notebooks test-book test-site lab bench data lock kit clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(STAMP): requirements-learner.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON_BOOT)"; $(PYTHON_BOOT) -m venv $(VENV); }
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP)  ## Create .venv and install the locked environment and gpec_teach

# Build the site, then serve every CDN asset (MathJax, Leaflet, ...) from the site itself:
# it works offline and never loads code from a third party (.ci/offline_assets.py).
JB_BUILD  := $(VENV)/bin/jupyter-book build . --builder html
LOCALISE  := $(PY) .ci/offline_assets.py _build/html

book: $(STAMP)  ## Set everything up and build the site into _build/html (self-contained)
	$(JB_BUILD)
	$(LOCALISE)
	$(PY) .ci/make_slides.py _build/html
	@echo "Open file://$(CURDIR)/_build/html/index.html"

test: $(STAMP)  ## Run every test: unit, doctests, reference cases, notebooks, book build (-W), site
	@set -e; report=""; \
	for phase in test-unit test-wheel test-notebooks test-book test-site; do \
	  t0=$$(date +%s); $(MAKE) --no-print-directory $$phase; \
	  report="$$report\n  $$phase: $$(( $$(date +%s) - t0 )) s"; \
	done; \
	printf "::: make test phases:$$report\n"

test-unit: $(STAMP)  ## Unit tests, doctests, curriculum structure, data and reference cases
	$(AGG) $(PY) -m pytest $(PYTEST_ARGS)

test-wheel: $(STAMP)  ## Build the wheel, install it (not editable) in a fresh venv: doctests, check() per notebook
	$(PY) .ci/test_wheel.py

# The real-data case study (17) reads ../shared/realdata (or $$GPEC_REALDATA_DIR) in place:
# without it, nbval leaves that notebook out and says so.
REALDATA    := $(or $(GPEC_REALDATA_DIR),../shared/realdata)
NBVAL_SKIP  := $(if $(wildcard $(REALDATA)/augusta_nlcd.tif),,--ignore=notebooks/17_real_data_case_study.ipynb)

test-notebooks: $(STAMP)  ## Execute every notebook with nbval (compares the cells tagged nbval-check-output), then reopen their QGIS exports
	rm -rf notebooks/outputs
	$(if $(NBVAL_SKIP),@echo "Real data not found at $(REALDATA): notebook 17 is not run (set GPEC_REALDATA_DIR)")
	$(PY) -m pytest $(NBVAL_ARGS) $(NBVAL_SKIP) notebooks
	$(AGG) $(PY) -m pytest tests/test_exports.py --exports -o addopts=-ra -p no:cacheprovider

test-book: $(STAMP)  ## Build the book with warnings as errors
	$(JB_BUILD) --warningiserror --nitpick --keep-going
	$(LOCALISE)
	$(PY) .ci/make_slides.py _build/html

test-site: $(STAMP)  ## Browser tests of the built site in headless Chromium (after test-book)
	$(PY) -m pytest tests/test_site.py --site -o addopts=-ra -p no:cacheprovider
	@echo "Screenshots: $(CURDIR)/_build/screenshots  Page weights: $(CURDIR)/_build/site-report.md"

lab: $(STAMP)  ## Open JupyterLab on the notebooks
	$(VENV)/bin/jupyter lab notebooks

bench: $(STAMP)  ## Benchmarks: methods (size, seconds, peak MB), import time, notebooks
	$(AGG) $(PY) benchmarks/run.py

kit: book  ## Offline kit for a USB stick in _build/ (WHEELHOUSE=1 adds wheels: Linux, Windows, macOS)
	$(PY) .ci/make_kit.py $(if $(WHEELHOUSE),--wheelhouse)

data: $(STAMP)  ## Regenerate the teaching landscape in data/ (byte-identical)
	$(AGG) $(PY) data/make_landscape.py

# The learner lock first; the dev tools are then resolved with its pins as constraints, so
# adding a dev tool never moves a learner pin (sync_environment.py stops if it would).
LOCK_PIP := .lock-venv/bin/python -m pip
lock:  ## Re-resolve requirements-{learner,dev}.in into the two locks and environment.yml
	rm -rf .lock-venv
	$(PYTHON_BOOT) -m venv .lock-venv
	$(LOCK_PIP) install --quiet --disable-pip-version-check -r requirements-learner.in
	$(LOCK_PIP) freeze --all --exclude-editable > .lock-venv/learner.txt
	$(PYTHON_BOOT) .ci/sync_environment.py --learner-freeze .lock-venv/learner.txt --full-freeze .lock-venv/learner.txt
	$(LOCK_PIP) install --quiet --disable-pip-version-check -r requirements-dev.in -c requirements-learner.lock
	$(LOCK_PIP) freeze --all --exclude-editable > .lock-venv/full.txt
	$(PYTHON_BOOT) .ci/sync_environment.py --learner-freeze .lock-venv/learner.txt --full-freeze .lock-venv/full.txt
	rm -rf .lock-venv

clean:  ## Remove the built site and caches (keeps .venv)
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
