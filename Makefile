# The two commands of the README, and the tools around them.
# Each target first installs whatever is missing (tools/setup.sh), then works.
PY := .venv/bin/python
QUALITY ?= low

.PHONY: lecture export test bench preview setup clean

lecture:  ## render every beat and the whole lecture into media/$(QUALITY)/
	@tools/setup.sh lecture
	@$(PY) -m scenes render --quality $(QUALITY)

export:  ## render, then write clips (MP4, WebM, poster, captions, GIF), manifest and gallery into media/$(QUALITY)/clips/
	@tools/setup.sh lecture
	@$(PY) -m scenes export --quality $(QUALITY)

preview:  ## render every beat at low quality and draw media/low/contact-sheet.png
	@tools/setup.sh lecture
	@$(PY) -m scenes preview

bench:  ## time renders (low, 1080p60) and the core, check the speed targets; BENCH_ARGS="--quality low --repeat 1"
	@tools/setup.sh lecture
	@$(PY) -m scenes bench $(BENCH_ARGS)

test:  ## run the test suite (installs Chromium for the gallery test)
	@tools/setup.sh test
	@$(PY) -m pytest

setup:
	@tools/setup.sh test

clean:
	rm -rf media
