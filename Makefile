# nianbao — two commands do all set-up on a fresh Debian machine (as root):
#   make demo   install what is missing, then render every bundled example to out/
#   make test   install what is missing (plus test tools), then run the whole test suite
#   make lint   ruff (lint and format), mypy and the layer contract (import-linter)
#   make dist   wheel, sdist and the offline bundles (one zip per platform) into dist/; make dist-check also tests them
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint wheel-check dist dist-check bench system system-test forms clean

demo: system $(STAMP)
	@rm -rf out/demo && mkdir -p out/demo
	$(BIN)/nianbao render examples/*.yaml -o out/demo --to docx,html,pdf --ignore-errors
	@echo "示例报告已生成到 out/demo/"

test: system-test $(STAMP)
	$(BIN)/python -m pytest

lint: system $(STAMP)
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

wheel-check: system $(STAMP)
	@bash scripts/check-wheel.sh

# The first run downloads every platform's wheels into ~/.cache/nianbao-dist (NIANBAO_DIST_CACHE); later runs
# fill the bundles from there and go to PyPI only for what requirements.lock changed.
dist: $(STAMP)
	$(BIN)/python scripts/dist/build.py --out dist

dist-check: system $(STAMP) dist
	$(BIN)/python -m pytest -m bundle -p no:randomly tests/test_bundle.py

bench: system $(STAMP)
	@# compiled as pip compiles an installed copy: a start then reads nianbao's modules, as a user's does
	$(BIN)/python -m compileall -q generator >/dev/null
	$(BIN)/python bench/run_all.py

system:
	@bash scripts/setup.sh

system-test:
	@bash scripts/setup.sh --test

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[test,lint,dist,ocr]'
	@touch $(STAMP)

forms: $(STAMP)
	$(BIN)/nianbao form --format 2021 -o forms/填报表-2021格式.xlsx --force
	$(BIN)/nianbao form --format 2019 -o forms/填报表-2019格式.xlsx --force

clean:
	rm -rf out dist $(VENV)
