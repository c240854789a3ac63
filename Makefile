# Studio Keys. Two commands a newcomer needs:
#   make run    install what is missing, build the UI and the app, open the window
#   make test   also install the test dependencies, then run every gate and suite
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export CARGO_TERM_COLOR ?= never
VENV := tests/.venv
SESSION := scripts/test-session.sh
# Rust tests that need no GUI build without Tauri; the sandbox's fault injection is test-only.
CORE := --no-default-features --features fault-injection

.PHONY: run test deps deps-test ui app app-faults skm skm-faults bindings lint test-rust test-ui test-conformance test-e2e test-install dist bench fuzz

# The app as its package ships it: the UI served from the binary
# (tauri/custom-protocol). Every GUI build uses it, so the bundle step and the
# bindings test reuse one build of Tauri instead of compiling it twice.
GUI := --features tauri/custom-protocol

run: deps ui
	cargo build $(GUI) --bin studio-keys
	./target/debug/studio-keys

test: deps-test ui lint test-rust test-ui test-conformance test-e2e test-install
	@echo "make test: every gate and suite passed"

deps:
	scripts/deps.sh run

deps-test:
	scripts/deps.sh test

ui:
	cd ui && npm run build

app: ui
	cargo build $(GUI) --bin studio-keys

skm:
	cargo build --no-default-features --bin skm

# The test build of skm (the `fault-injection` feature: it can pause after an
# answer, to be killed there) as target/debug/skm-faults, then the real skm
# again in its place. Both variants stay cached, so each step is a relink.
skm-faults:
	cargo build $(CORE) --bin skm
	cp target/debug/skm target/debug/skm-faults
	cargo build --no-default-features --bin skm

# The test build of the app (the `fault-injection` feature: one region of its
# sandbox can be made to fail) as target/debug/studio-keys-faults, then the
# real app again in its place; both stay cached, so each step is a relink.
app-faults: ui
	cargo build $(GUI) --features fault-injection --bin studio-keys
	cp target/debug/studio-keys target/debug/studio-keys-faults
	cargo build $(GUI) --bin studio-keys

# Regenerate the TypeScript IPC bindings from the Rust command declarations.
bindings:
	cargo test $(GUI) --test bindings -q

# The layers of src-tauri/src, bottom up (lib.rs): no module imports one above
# its own layer, and no two modules import each other. The two faces, `cli/`
# and `commands/`, name only `services` and `domain`.
LAYER_RULES := \
  --deny crate::domain=crate::protocol,crate::cloud,crate::sandbox,crate::storage,crate::services,crate::cli,crate::commands,crate::app,crate::updates \
  --deny crate::protocol=crate::cloud,crate::sandbox,crate::storage,crate::services,crate::cli,crate::commands,crate::app,crate::updates \
  --deny crate::cloud=crate::sandbox,crate::storage,crate::services,crate::cli,crate::commands,crate::app,crate::updates \
  --deny crate::sandbox=crate::cloud,crate::storage,crate::services,crate::cli,crate::commands,crate::app,crate::updates \
  --deny crate::storage=crate::cloud,crate::sandbox,crate::services,crate::cli,crate::commands,crate::app,crate::updates \
  --deny crate::services=crate::cli,crate::commands,crate::app,crate::updates \
  --deny crate::cli=crate::commands,crate::app,crate::updates,crate::protocol,crate::cloud,crate::sandbox,crate::storage \
  --deny crate::commands=crate::cli,crate::protocol,crate::cloud,crate::sandbox,crate::storage

lint: bindings ui
	python3 scripts/test_check_layers.py
	python3 scripts/check_layers.py src-tauri/src $(LAYER_RULES)
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	# `make bench`'s build (the bench-snapshot grant) must build too.
	cargo clippy --features bench-snapshot --lib --bins -- -D warnings
	cargo clippy $(CORE) --all-targets -- -D warnings
	cd ui && npm run check
	cd ui && npm run check:dist
	cd ui && npm run check:cycles
	node scripts/lint-workflows.mjs
	$(VENV)/bin/python tests/i18n/test_check_catalog.py
	$(VENV)/bin/python tests/i18n/check_catalog.py src-tauri/locales --ui ui/src/lib/i18n/zh-TW.ts
	@git diff --exit-code -- ui/src/lib/bindings.ts \
	  || { echo "ui/src/lib/bindings.ts is stale: run 'make bindings' and commit it" >&2; exit 1; }

# Unit, property and integration tests (sandbox over loopback, real Secret Service, Xvfb clipboard).
test-rust:
	$(SESSION) cargo test $(CORE)

test-ui:
	cd ui && npm test

test-conformance: skm
	SKM_BIN=$(CURDIR)/target/debug/skm $(VENV)/bin/python -m pytest -q tests/conformance

test-e2e: app app-faults skm skm-faults
	$(SESSION) tests/e2e/run.sh

# Bundle the binaries just tested, install the .deb with apt, open the installed
# app (smoke journey), run the installed skm, remove the package (needs root or sudo).
test-install: ui skm
	$(SESSION) tests/install/run.sh

# Release bundles of this OS (Linux: .deb and .rpm; the AppImage comes from the
# release pipeline). Signed update artifacts need TAURI_SIGNING_PRIVATE_KEY.
dist: deps ui
	scripts/dist.sh

bench:
	scripts/bench.sh

# Longer fuzzing of the parsers (targets: form_codec, ip_rules, key_format, authorization).
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
FUZZ_TARGET ?= ip_rules
FUZZ_SECONDS ?= 120
fuzz:
	command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd src-tauri && RUSTC_BOOTSTRAP=1 cargo fuzz run $(FUZZ_TARGET) -- -max_total_time=$(FUZZ_SECONDS)
