# Two commands matter on a fresh machine:  `make book`  and  `make test`  (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PROFILE ?= book
STAMP  := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | cksum | cut -d' ' -f1)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One BLAS thread: the same sums in the same order on every machine (nbval compares printed numbers)
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: book html venv test lint unit nbval check-html browser regenerate stress lock clean

## make book: virtual environment + pinned install + HTML from the committed outputs
book: html
	@echo "The book: file://$(abspath _build/html/index.html)"

$(STAMP): pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements/lock.txt -e '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

html: venv
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . -W -n --keep-going

## make regenerate [PROFILE=book|paper|smoke]: re-execute every notebook with papermill
regenerate: venv
	$(BIN)/python -m longdeps.notebooks regenerate --profile $(PROFILE)

## make test: everything CI checks (.ci/run calls this)
test: lint unit nbval html check-html browser

lint: venv
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

unit: venv
	LONGDEPS_CACHE=off $(BIN)/pytest tests -m "not built" -n 2 -q

nbval: venv
	LONGDEPS_CACHE=off LONGDEPS_PROGRESS=0 $(BIN)/pytest --nbval --nbval-current-env \
	  --nbval-cell-timeout=$$($(BIN)/python -m longdeps.notebooks nbval-timeout) \
	  -n 2 --dist loadfile -q $$($(BIN)/python -m longdeps.notebooks list)

check-html: venv
	$(BIN)/pytest tests -m "built and not browser" -q

browser: venv
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	$(BIN)/pytest tests -m browser -q

## make stress [RUNS=20] [WHAT=unit|test]: repeat the unit step (or all of make test), count hangs
RUNS ?= 20
WHAT ?= unit
stress: venv
	$(BIN)/python benchmarks/stress.py --runs $(RUNS) --what $(WHAT)

## make lock: refresh the exact pins after changing pyproject.toml
lock:
	rm -rf /tmp/longdeps-lock && $(PYTHON) -m venv /tmp/longdeps-lock
	/tmp/longdeps-lock/bin/pip install -q --upgrade pip && /tmp/longdeps-lock/bin/pip install -q -e '.[test]'
	/tmp/longdeps-lock/bin/pip freeze --exclude-editable | grep -v '^longdeps' > requirements/lock.txt

clean:
	rm -rf _build
