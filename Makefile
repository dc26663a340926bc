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

.PHONY: help venv book translations test test-unit test-wheel test-notebooks test-book test-site lab bench data lock kit clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

$(STAMP): requirements-learner.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || { echo "Creating $(VENV) with $(PYTHON_BOOT)"; $(PYTHON_BOOT) -m venv $(VENV); }
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP)  ## Create .venv and install the locked environment and gpec_teach

# Three editions in one site: _build/html/en/, fr/ and es/, and a root index.html that
# redirects to en/. English is built from the repository (notebooks executed, with the
# Jupyter cache); French and Spanish from trees generated under _build/i18n/<lang>/
# (gpec_teach/translate/tree.py: translated pages, the committed translated notebooks,
# not re-executed). Jupyter Book writes each edition to _build/editions/<lang>/_build/html
# (its doctrees stay there for incremental builds); it is then copied into _build/html/<lang>/,
# every CDN asset is served from the edition itself (works offline, .ci/offline_assets.py)
# and the trainer's slide decks are written into it (.ci/make_slides.py).
EDITIONS  := en fr es
JB_BUILD  := $(VENV)/bin/jupyter-book build --builder html
LOCALISE  := $(PY) .ci/offline_assets.py
# BOOK_FLAGS: extra options of jupyter-book build (make test-book: warnings are errors).
BOOK_FLAGS ?=

book: $(STAMP)  ## Set everything up and build the three editions into _build/html/{en,fr,es} (self-contained)
	@set -e; report=""; rm -rf _build/html; mkdir -p _build/html; \
	for lang in $(EDITIONS); do \
	  t0=$$(date +%s); \
	  if [ $$lang = en ]; then src=.; else \
	    src=_build/i18n/$$lang; $(PY) -m gpec_teach.translate.tree $$lang $$src; fi; \
	  $(JB_BUILD) $$src --path-output _build/editions/$$lang $(BOOK_FLAGS); \
	  rm -rf _build/html/$$lang; cp -a _build/editions/$$lang/_build/html _build/html/$$lang; \
	  $(LOCALISE) _build/html/$$lang; \
	  $(PY) .ci/make_slides.py _build/html/$$lang; \
	  report="$$report\n  $$lang: $$(( $$(date +%s) - t0 )) s"; \
	done; \
	$(PY) -m gpec_teach.translate.tree --root-index _build/html; \
	printf "::: editions built (build, offline assets, slides):$$report\n"
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
# The French and Spanish notebooks (notebooks/fr, notebooks/es) run one folder deeper: they get
# the absolute path. nbval collects the three languages (pytest walks notebooks/).
REALDATA    := $(abspath $(or $(GPEC_REALDATA_DIR),../shared/realdata))
NBVAL_SKIP  := $(if $(wildcard $(REALDATA)/augusta_nlcd.tif),,$(foreach d,notebooks notebooks/fr notebooks/es,--ignore=$(d)/17_real_data_case_study.ipynb))

test-notebooks: $(STAMP)  ## Execute every notebook with nbval (compares the cells tagged nbval-check-output), then reopen their QGIS exports
	rm -rf notebooks/outputs notebooks/*/outputs
	$(if $(NBVAL_SKIP),@echo "Real data not found at $(REALDATA): notebook 17 is not run (set GPEC_REALDATA_DIR)")
	GPEC_REALDATA_DIR=$(REALDATA) $(PY) -m pytest $(NBVAL_ARGS) $(NBVAL_SKIP) notebooks
	$(AGG) $(PY) -m pytest tests/test_exports.py --exports -o addopts=-ra -p no:cacheprovider

test-book: $(STAMP)  ## Build the three editions with warnings as errors
	$(MAKE) --no-print-directory book BOOK_FLAGS="--warningiserror --nitpick --keep-going"

test-site: $(STAMP)  ## Browser tests of the three editions in headless Chromium (after test-book)
	$(PY) -m pytest tests/test_site.py tests/test_i18n_site.py --site --site-all-editions -o addopts=-ra -p no:cacheprovider
	@echo "Screenshots: $(CURDIR)/_build/screenshots  Page weights: $(CURDIR)/_build/site-report.md"

translations: $(STAMP)  ## After an English change: update the catalogues, regenerate notebooks/fr and notebooks/es (runs those whose code changed)
	$(PY) -m gpec_teach.translate update
	$(PY) -m gpec_teach.translate.messages extract
	$(PY) -m gpec_teach.translate.messages update
	$(PY) -m gpec_teach.translate.messages compile
	$(PY) -m gpec_teach.translate notebooks --execute
	@$(PY) -m gpec_teach.translate check || echo "Translate the messages above (locales/README.md), then run make translations again"

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
