# The workbook's two commands: `make book` (runs every chapter, stitches book/) and `make test`.
# Rebuild decisions are by content (a hash of the inputs), never by modification time: a fresh clone
# resets every mtime.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CHAPTERS := $(shell sed -n 's/.*"short": *"\([a-z]*\)".*/\1/p' Chapters/book.json)
# The Debian packages, from the one list in .ci/packages (name, then group).
PACKAGE_LIST := .ci/packages
SYSTEM_PACKAGES := $(shell awk '!/^\#/ && NF && $$2 != "html" { print $$1 }' $(PACKAGE_LIST))
HTML_PACKAGES := $(shell awk '!/^\#/ && $$2 == "html" { print $$1 }' $(PACKAGE_LIST))
# A flag value each chapter must refuse (chapter:flag:value), checked by make test.
BAD_FLAGS := chapter-adversarial:--code-size:1 chapter-basic:--loss:foo chapter-convolutional:--kernel-size:4 \
	chapter-sparse:--rho:1.5 chapter-denoising:--noise:foo chapter-contractive:--lambda:-1 chapter-vae:--beta:-1 \
	chapter-text:--vocabulary-size:5 bench:--models:f bench:--threads:0
RELEASE := .build/release
DEBUG := .build/debug
RUNS := runs
# Rerun a chapter when any of these change (plus the chapter's own folder and its flags): the
# targets a chapter executable depends on in Package.swift, not the stitcher, the benchmark or the tools.
CHAPTER_LIBRARIES := CBLAS CZlib CPNG CCairo KernelCore FileOutput TensorEngine Datasets Figures ChapterKit Exercises
LIBRARY_INPUTS := Package.swift $(shell find $(addprefix Sources/,$(CHAPTER_LIBRARIES)) -type f | sort)

# `swift build` with its progress lines hidden; a failed build stops make with the compiler's messages
# (pipefail passes on swift build's status; grep's own "no lines" status is not a failure).
swift_build = swift build $(1) 2>&1 | { grep -v '^\[' || true; }

.PHONY: help setup setup-html setup-if-needed build book stitch test check-build-failure check-exercise check-exercises \
	bench bench-peers data clean html \
	$(addprefix chapter-,$(CHAPTERS)) $(addprefix run-chapter-,$(CHAPTERS))

help:
	@echo "make book     run every chapter whose inputs changed (release build) and stitch book/"
	@echo "make test     unit tests, every chapter in --quick mode, and a quick book build"
	@echo "make chapter-<name>   run one chapter ($(CHAPTERS)) and restitch the book"
	@echo "make check-exercise E=vae.1   check your code for an exercise (Sources/Exercises) against the library"
	@echo "make bench    engine speed (sgemm, samples/s of five reference models, data loading)"
	@echo "make bench-peers   models (a)–(d) in PyTorch and JAX, side by side (throwaway venv)"
	@echo "make data     download MNIST and Fashion-MNIST into ./data (networked machines only)"
	@echo "make html     the book as one HTML page (needs pandoc; make setup-html installs it)"
	@echo "make setup    install the system packages ($(SYSTEM_PACKAGES))"
	@echo "make setup-html   install what make html and its check need ($(HTML_PACKAGES))"
	@echo "make clean    remove build products and runs"

# Installs only what is missing of the packages $(1): as root directly, otherwise through sudo.
define install_packages
	@missing=""; for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then echo "setup: all of $(strip $(1)) are installed"; exit 0; fi; \
	echo "setup: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing
endef

setup:
	$(call install_packages,$(SYSTEM_PACKAGES))

setup-html:
	$(call install_packages,$(HTML_PACKAGES))

setup-if-needed: setup

build: setup-if-needed
	$(call swift_build,-c release)

# One chapter: rerun when the hash of its inputs changed, then restitch.
define chapter_rule
chapter-$(1): setup-if-needed
	@$$(call swift_build,-c release --product chapter-$(1))
	@$$(MAKE) --no-print-directory run-chapter-$(1)
	@$$(MAKE) --no-print-directory stitch

run-chapter-$(1):
	@directory=$$$$(dirname $$$$(grep -l 'runChapter("$(1)"' Chapters/*/main.swift)); \
	hash=$$$$(cat $(LIBRARY_INPUTS) $$$$directory/*.swift | sha256sum | cut -c1-16)-"$$$${CHAPTER_FLAGS_$(1):-}"; \
	if [ -f $(RUNS)/$(1)/metrics.json ] && [ "$$$$(cat $(RUNS)/$(1)/.inputs 2>/dev/null)" = "$$$$hash" ]; then \
	  echo "chapter-$(1): up to date (inputs unchanged)"; \
	else \
	  $(RELEASE)/chapter-$(1) --output $(RUNS)/$(1) $$$${CHAPTER_FLAGS_$(1):-} && echo "$$$$hash" > $(RUNS)/$(1)/.inputs; \
	fi
endef
$(foreach chapter,$(CHAPTERS),$(eval $(call chapter_rule,$(chapter))))

# Ends with each chapter's run time as its metrics.json records it, and their total: the time the
# whole book takes at its defaults (release build excluded), whether or not this make reran them.
book: build
	@for chapter in $(CHAPTERS); do $(MAKE) --no-print-directory run-chapter-$$chapter; done
	@$(MAKE) --no-print-directory stitch
	@total=0; line=""; for chapter in $(CHAPTERS); do \
	  seconds=$$(sed -n 's/^ *"seconds": *\([0-9.]*\).*/\1/p' $(RUNS)/$$chapter/metrics.json); \
	  line="$$line $$chapter $${seconds%.*} s,"; total=$$(( total + $${seconds%.*} )); \
	done; echo "make book: chapter runs:$${line%,}; total $$(( total / 60 )) min $$(( total % 60 )) s"

stitch:
	@$(call swift_build,-c release --product book)
	$(RELEASE)/book --chapters Chapters --runs $(RUNS) --output book

html:
	@$(call swift_build,-c release --product book)
	$(RELEASE)/book html --book book --html book.html

# Unit tests, then every chapter in --quick mode and a quick book, all into a temporary directory;
# then every `swift run …` command of the prose, run with --quick (two at a time, one BLAS thread
# each); then, when pandoc and Chromium are installed, the quick book as HTML checked in Chromium.
# The debug build compiles the numeric code with -O, so quick chapters run at near release speed.
test: setup-if-needed check-build-failure
	@$(call swift_build,--build-tests)
	swift test --skip-build
	@$(MAKE) --no-print-directory check-exercises
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	for chapter in $(CHAPTERS); do \
	  echo "== chapter-$$chapter --quick"; \
	  start=$$(date +%s%N); \
	  $(DEBUG)/chapter-$$chapter --quick --output "$$scratch/runs/$$chapter"; \
	  echo "chapter-$$chapter --quick took $$(( ($$(date +%s%N) - start) / 1000000 )) ms"; \
	done; \
	echo "== one bad flag per chapter and for the benchmark: one line naming the flag, exit 64, nothing written"; \
	for entry in $(BAD_FLAGS); do \
	  IFS=: read -r program flag value <<< "$$entry"; status=0; \
	  case $$program in chapter-*) set -- --output "$$scratch/bad-flag";; *) set --;; esac; \
	  output=$$($(DEBUG)/$$program $$flag $$value "$$@" 2>&1) || status=$$?; \
	  if [ $$status != 64 ] || [ "$$(printf '%s\n' "$$output" | wc -l)" != 1 ] || ! grep -q -- "$$flag" <<< "$$output" \
	     || [ -e "$$scratch/bad-flag" ]; then \
	    echo "$$program $$flag $$value: expected one line naming $$flag, exit 64, no output; got $$status: $$output"; \
	    exit 1; \
	  fi; \
	done; \
	echo "== book (quick)"; \
	$(DEBUG)/book --chapters Chapters --runs "$$scratch/runs" --output "$$scratch/book" --quick; \
	if grep -rn '{{' "$$scratch/book"/*.md; then echo "unresolved directives in the quick book"; exit 1; fi; \
	echo "== every swift run command in the chapters and the README, with --quick"; \
	$(DEBUG)/book check-commands --binaries $(DEBUG) --scratch "$$scratch/commands" --jobs 2 Chapters/*/chapter.md README.md; \
	if command -v pandoc >/dev/null && { command -v chromium >/dev/null || command -v chromium-browser >/dev/null; }; then \
	  echo "== the quick book as HTML, in headless Chromium"; \
	  $(DEBUG)/book html --book "$$scratch/book" --html "$$scratch/book.html"; \
	  $(DEBUG)/book check-html --book "$$scratch/book" --html "$$scratch/book.html"; \
	else \
	  echo "== HTML check skipped: pandoc and chromium are not both installed (make setup-html)"; \
	fi; \
	echo "make test: all passed"

# One code exercise: builds the checker with the student's Sources/Exercises and runs the checks.
check-exercise:
	@$(call swift_build,--product check-exercise)
	@if [ -z "$(E)" ]; then echo "make check-exercise E=<name>; the exercises:"; $(DEBUG)/check-exercise --list; exit 2; fi
	$(DEBUG)/check-exercise $(E)

# The checker itself (part of make test): every check passes on the reference solutions; on the
# student's versions (the stubs, until written) every exercise passes or fails cleanly with its
# lines, never crashes; an unknown name is a usage error.
check-exercises:
	@echo "== code exercises: every check on the reference solutions"
	@output=$$($(DEBUG)/check-exercise --solutions --all) || { echo "$$output"; echo "check-exercises: a reference solution fails its check"; exit 1; }; \
	grep ': all .* checks pass$$' <<< "$$output"
	@echo "== code exercises: the student's versions in Sources/Exercises (unwritten stubs fail, cleanly)"
	@for name in $$($(DEBUG)/check-exercise --list | cut -d' ' -f1); do \
	  status=0; output=$$($(DEBUG)/check-exercise $$name) || status=$$?; \
	  if [ $$status -gt 1 ] || { [ $$status = 1 ] && ! grep -q "^$$name: .*FAIL" <<< "$$output"; }; then \
	    echo "$$output"; echo "check-exercises: check-exercise $$name ended with status $$status, not a clean pass or fail"; exit 1; \
	  fi; \
	  echo "$$(tail -1 <<< "$$output")"; \
	done
	@if $(DEBUG)/check-exercise no.such.exercise 2>/dev/null; then echo "check-exercises: an unknown exercise name was accepted"; exit 1; fi
	@echo "check-exercises: the checker passes the solutions, fails the stubs cleanly, refuses unknown names"

# A failed build must stop make with the compiler's message, before an old binary runs: with a
# stand-in `swift` that fails and stand-in binaries that would announce themselves, each target must
# fail, show the message and run nothing.
check-build-failure:
	@fake=$$(mktemp -d); trap 'rm -rf "$$fake"' EXIT; \
	printf '#!/bin/sh\necho "Sources/X/Y.swift:1:1: error: simulated compiler error" >&2\nexit 1\n' > "$$fake/swift"; \
	for binary in book chapter-vae; do printf '#!/bin/sh\necho "old binary ran"\n' > "$$fake/$$binary"; done; \
	chmod +x "$$fake"/*; \
	for target in stitch html chapter-vae; do \
	  if output=$$(PATH="$$fake:$$PATH" $(MAKE) --no-print-directory $$target RELEASE="$$fake" RUNS="$$fake/runs" 2>&1); then \
	    echo "check-build-failure: make $$target succeeded after a failed build"; exit 1; \
	  fi; \
	  if ! grep -q "simulated compiler error" <<< "$$output" || grep -q "old binary ran" <<< "$$output"; then \
	    echo "check-build-failure: make $$target hid the compiler's message or ran an old binary:"; echo "$$output"; exit 1; \
	  fi; \
	done; \
	echo "check-build-failure: a failed build stops make stitch, html and chapter-vae with the compiler's message"

bench: setup-if-needed
	@$(call swift_build,-c release --product bench)
	$(RELEASE)/bench

# The same models in PyTorch and JAX, alternating with this engine (networked machines only). The
# venv is throwaway and never a dependency: PEERS_VENV=/path reuses one that has the packages.
PEERS_VENV ?= .build/peers-venv
bench-peers: setup-if-needed
	@$(call swift_build,-c release --product bench)
	@if [ ! -x "$(PEERS_VENV)/bin/python3" ]; then \
	  python3 -m venv "$(PEERS_VENV)" && "$(PEERS_VENV)/bin/pip" install --quiet torch "jax[cpu]" optax; \
	fi
	"$(PEERS_VENV)/bin/python3" bench/compare.py --bench $(RELEASE)/bench

data:
	@$(call swift_build,-c release --product download-data)
	$(RELEASE)/download-data data

clean:
	rm -rf .build $(RUNS) book.html
