# The two commands of the README: `make demo` (the whole cycle on the bundled
# sample) and `make test` (lint + the whole test suite). Both create the
# virtual environment .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-campaign

.PHONY: demo test docs messages bench clean

$(BIN)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	rm -rf $(DEMO_DIR)
	$(BIN)/emuxl demo $(DEMO_DIR) --sample tay-nam-bo-2023

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

# The terminal messages marked _("…") into the Vietnamese catalogue (new ones empty, to translate; gone ones dropped)
messages: $(BIN)/.installed
	mkdir -p build
	$(BIN)/pybabel -q extract --no-wrap -k N_ --project emuxl -o build/emuxl.pot emuxl
	$(BIN)/pybabel -q update --no-wrap --ignore-obsolete -N -D emuxl -l vi -i build/emuxl.pot -d emuxl/locale

docs: $(BIN)/.installed
	$(BIN)/python -c "import pathlib, emuxl.reference as r, emuxl.cli as c; p = pathlib.Path('README.md'); p.write_text(r.refresh(p.read_text(), c.cli_reference()))"
	$(BIN)/python -c "import pathlib, emuxl.methods.docs as d; pathlib.Path('docs/methods.md').write_text(d.methods_markdown())"

clean:
	rm -rf $(VENV) $(DEMO_DIR) build *.egg-info
