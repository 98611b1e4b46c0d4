# The workbook's two commands: `make book` (runs every chapter, stitches book/) and `make test`.
# Rebuild decisions are by content (a hash of the inputs), never by modification time: a fresh clone
# resets every mtime.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CHAPTERS := $(shell sed -n 's/.*"short": *"\([a-z]*\)".*/\1/p' Chapters/book.json)
SYSTEM_PACKAGES := libopenblas-dev libpng-dev libcairo2-dev fonts-dejavu-core zlib1g-dev dataset-fashion-mnist wordnet-base
RELEASE := .build/release
DEBUG := .build/debug
RUNS := runs
# Rerun a chapter when any of these change (plus the chapter's own folder and its flags).
LIBRARY_INPUTS := Package.swift $(shell find Sources -name '*.swift' | sort)

.PHONY: help setup setup-if-needed build book test bench data clean html $(addprefix chapter-,$(CHAPTERS))

help:
	@echo "make book     run every chapter whose inputs changed (release build) and stitch book/"
	@echo "make test     unit tests, every chapter in --quick mode, and a quick book build"
	@echo "make chapter-<name>   run one chapter ($(CHAPTERS)) and restitch the book"
	@echo "make bench    engine speed (sgemm, samples/s of three reference models, data loading)"
	@echo "make data     download MNIST and Fashion-MNIST into ./data (networked machines only)"
	@echo "make html     the book as one HTML page (needs pandoc)"
	@echo "make setup    install the system packages ($(SYSTEM_PACKAGES))"
	@echo "make clean    remove build products and runs"

# Installs only what is missing: as root directly, otherwise through sudo.
setup:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then echo "setup: all system packages are installed"; exit 0; fi; \
	echo "setup: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing

setup-if-needed: setup

build: setup-if-needed
	swift build -c release

# One chapter: rerun when the hash of its inputs changed, then restitch.
define chapter_rule
chapter-$(1): setup-if-needed
	@swift build -c release --product chapter-$(1) 2>&1 | grep -v '^\[' || true
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

book: build
	@for chapter in $(CHAPTERS); do $(MAKE) --no-print-directory run-chapter-$$chapter; done
	@$(MAKE) --no-print-directory stitch

stitch:
	@swift build -c release --product book 2>&1 | grep -v '^\[' || true
	$(RELEASE)/book --chapters Chapters --runs $(RUNS) --output book

html:
	@swift build -c release --product book 2>&1 | grep -v '^\[' || true
	$(RELEASE)/book html --book book --output book.html

# Unit tests, then every chapter in --quick mode and a quick book, all into a temporary directory.
# The debug build compiles the numeric code with -O, so quick chapters run at near release speed.
test: setup-if-needed
	swift build --build-tests
	swift test --skip-build
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	for chapter in $(CHAPTERS); do \
	  echo "== chapter-$$chapter --quick"; \
	  start=$$(date +%s%N); \
	  $(DEBUG)/chapter-$$chapter --quick --output "$$scratch/runs/$$chapter"; \
	  echo "chapter-$$chapter --quick took $$(( ($$(date +%s%N) - start) / 1000000 )) ms"; \
	done; \
	echo "== book (quick)"; \
	$(DEBUG)/book --chapters Chapters --runs "$$scratch/runs" --output "$$scratch/book" --quick; \
	if grep -rn '{{' "$$scratch/book"/*.md; then echo "unresolved directives in the quick book"; exit 1; fi; \
	echo "make test: all passed"

bench: setup-if-needed
	swift build -c release --product bench
	$(RELEASE)/bench

data:
	swift build -c release --product download-data
	$(RELEASE)/download-data data

clean:
	rm -rf .build $(RUNS) book.html
