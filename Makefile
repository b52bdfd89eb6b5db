# The two commands of the README, and the tools around them.
# Each target first installs whatever is missing (tools/setup.sh), then works.
PY := .venv/bin/python
QUALITY ?= low

.PHONY: lecture test preview setup clean

lecture:  ## render every beat and the whole lecture into media/$(QUALITY)/
	@tools/setup.sh lecture
	@$(PY) -m scenes render --quality $(QUALITY)

test:  ## run the test suite (installs Chromium for the gallery test)
	@tools/setup.sh test
	@$(PY) -m pytest

setup:
	@tools/setup.sh test

clean:
	rm -rf media
