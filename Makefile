# Everyday commands. The README's two commands are `make demo` and `make test`.
PY ?= python

.PHONY: demo test install lint format migration bench docs-config translations

demo:  ## set up and run the demo on the embedded default (SQLite, in-process queue)
	./scripts/system-packages
	$(PY) -m pip install -q -e .
	onestop demo

test:  ## set up and run the whole test suite
	./scripts/system-packages
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pytest -n 2 -p no:cacheprovider

lint:
	ruff check . && ruff format --check .

format:
	ruff check --fix . && ruff format .

migration:  ## regenerate the initial migration from the models (pre-release)
	./scripts/regen-migration

bench:  ## run the benchmarks (ratios against baselines measured in the same run)
	$(PY) bench/run

docs-config:
	$(PY) scripts/write-config-docs

translations:  ## re-extract the strings to translate; write the English catalogue
	pybabel extract -F babel.cfg -o translations/messages.pot .
	$(PY) scripts/translations_en.py
