# The two commands of the README, and the tools around them.
# Each target first installs whatever is missing (tools/setup.sh), then works.
PY := .venv/bin/python
QUALITY ?= low
# A lesson variant and a voice, e.g. make lecture LESSON=big-eta.toml SET="eta=0.3" VOICE=none
# (VOICE_ARGS passes any other narration option: --voice-cmd '...', --recordings DIR, --captions burn).
LESSON ?=
SET ?=
VOICE ?=
VOICE_ARGS ?=
CHOICES = $(if $(LESSON),--lesson '$(LESSON)') $(foreach s,$(SET),--set '$(s)') $(if $(VOICE),--voice '$(VOICE)') $(VOICE_ARGS)
# Only some beats (make lecture BEATS="01-setup 02-flatline": no lecture joined), where to render
# (EXECUTOR=ray or ray=HOST:PORT, after make setup-ray), and a Markdown run report (SUMMARY=FILE).
BEATS ?=
EXECUTOR ?=
SUMMARY ?=
ARTIFACT ?=
RUN = $(if $(EXECUTOR),--executor '$(EXECUTOR)') $(if $(SUMMARY),--summary '$(SUMMARY)') $(if $(ARTIFACT),--artifact '$(ARTIFACT)')
# The media folders of other machines to join into this one (make merge PARTS="parts/*").
PARTS ?=
# What make bench measures: by default every speed target once, in one run (about an hour on 2 cores).
BENCH_ARGS ?= --targets

.PHONY: lecture export test bench preview script beats merge setup setup-ray clean

lecture:  ## render every beat and the whole lecture into media/$(QUALITY)/
	@tools/setup.sh lecture
	@$(PY) -m scenes render --quality $(QUALITY) $(CHOICES) $(RUN) $(foreach b,$(BEATS),--beat '$(b)')

export:  ## render, then write clips (MP4, WebM, poster, captions, GIF), manifest and gallery into media/$(QUALITY)/clips/
	@tools/setup.sh lecture
	@$(PY) -m scenes export --quality $(QUALITY) $(CHOICES) $(if $(EXECUTOR),--executor '$(EXECUTOR)')

preview:  ## render every beat at low quality and draw media/low/contact-sheet.png
	@tools/setup.sh lecture
	@$(PY) -m scenes preview $(CHOICES) $(if $(SUMMARY),--summary '$(SUMMARY)') $(if $(ARTIFACT),--artifact '$(ARTIFACT)')

beats:  ## print the lecture's beats as one line of JSON (a CI matrix); set-up messages go to stderr
	@tools/setup.sh lecture >&2
	@$(PY) -m scenes beats --json

merge:  ## join media folders rendered elsewhere (PARTS="dir ..."), refusing any part this checkout did not make
	@tools/setup.sh lecture
	@$(PY) -m scenes merge $(PARTS) --quality $(QUALITY) $(CHOICES)

script:  ## write media/recording-script.tsv: every narrated block to record in your own voice
	@tools/setup.sh lecture
	@$(PY) -m scenes script $(CHOICES)

bench:  ## check every speed target in one run (low, 1080p60, 4k60 on one beat, the encoder); BENCH_ARGS="--quality low --repeat 1"
	@tools/setup.sh lecture
	@$(PY) -m scenes bench $(BENCH_ARGS)

test:  ## run the test suite (installs Chromium for the gallery test)
	@tools/setup.sh test
	@$(PY) -m pytest

setup:
	@tools/setup.sh test

setup-ray:  ## the optional Ray extra, for --executor ray (make lecture EXECUTOR=ray)
	@tools/setup.sh ray

clean:
	rm -rf media
