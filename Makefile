# The README's two commands: `make demo` and `make test`. Both create .venv when missing and
# install msgcheck with its pinned dependencies (torch pinned in the same resolve: CPU build).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install model eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet 'torch==2.13.0' -e '.[dev,dask]'
	$(BIN)/python -c "import torch, sys; sys.exit(0 if torch.__version__.endswith('+cpu') else 'a CUDA torch slipped in: pin torch==2.13.0')"
	$(BIN)/python -m msgcheck.embed.onnx   # export MiniLM to ONNX once, fp32 and int8 (fast start for check)
	touch $(STAMP)

install: $(STAMP)

# Scan the bundled example decks and drafts against the example platform. Exit 1 means
# "findings at or above --fail-on", which is the point of the demo, so only 2 fails the target.
demo: $(STAMP)
	$(BIN)/msgcheck scan fixtures/demo --platform message_platform; test $$? -le 1

test: $(STAMP)
	$(BIN)/python -m pytest

# Rebuild the bundled style model from the labelled data (deterministic).
model: $(STAMP)
	$(BIN)/msgcheck train --output src/msgcheck/style/data/style_model.json

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
