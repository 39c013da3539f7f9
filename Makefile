# Guichet: a plain GNU Makefile.
#   make            the server binary, build/guichet
#   make check      every test (unit under ASan+UBSan, HTTP, browser); ends with "tests: N passed, N failed"
#   make unit       unit tests only
#   make lint       cppcheck and clang-tidy
#   make format     clang-format in place
#   make po         refresh po/*.po from the sources (xgettext + msgmerge; docs/translating.md)
#   make po-check   fails when a catalog lacks a translation it owes

# What xgettext extracts: _(r, "…"), i18n_text(lang, "…"), N_("…") and the
# functions whose argument is a French msgid translated later.
XGETTEXT_FLAGS := --from-code=UTF-8 --language=C --keyword=_:2 --keyword=i18n_text:2 --keyword=N_ --keyword=P_:2 --keyword=NP_ \
	--keyword=field_error_add:3 --keyword=ui_error_page:3 --keyword=ui_field_error:3 \
	--keyword=page_sites_or_refuse:5 --keyword=page_require_corrector:4 --keyword=cli_text:1 \
	--keyword=i18n_plural:2,3 --add-comments=TRANSLATORS --package-name=guichet
# The public phrases alone (P_, NP_): what every public language translates.
PUBLIC_XGETTEXT_FLAGS := --from-code=UTF-8 --language=C --keyword --keyword=P_:2 --keyword=NP_ \
	--add-comments=TRANSLATORS --package-name=guichet
# The languages whose catalogs translate every text (the staff pages'),
# read from staff_codes[] in src/util/i18n.c; every other po/*.po is a public
# language, merged and checked against the public phrases only.
STAFF_LANGS := $(filter-out fr,$(shell sed -n 's/^static const char \*const staff_codes\[\] = {\(.*\)};/\1/p' src/util/i18n.c | tr -d '",'))
PO_STAFF    := $(foreach l,$(STAFF_LANGS),po/$(l).po)
PO_PUBLIC   := $(filter-out $(PO_STAFF),$(sort $(wildcard po/*.po)))
# Where everything is built; another folder (make BUILD=build-x) keeps two
# builds of one checkout apart.
BUILD    ?= build

PKGS     := libmicrohttpd sqlite3 libsodium jansson zlib libpq xlsxwriter libqrencode liboath libcurl cjose
CC       ?= cc
WARN     := -Wall -Wextra -Wformat=2 -Wshadow -Wvla -Wno-unused-parameter
HARDEN   := -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
CSTD     := -std=c11 -D_GNU_SOURCE
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
ifeq ($(CI),true)
WERROR   := -Werror
endif
CFLAGS   ?= -O2 -g
ALL_CFLAGS := $(CSTD) $(WARN) $(WERROR) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS) -iquote src -iquote $(BUILD)/gen
LDFLAGS  += -pie -Wl,-z,relro,-z,now

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# Every folder of src/ is a layer or subsystem (docs/ARCHITECTURE.md); the
# rules below read the folders, so a new file needs no edit here.
ALL_SRC  := $(sort $(wildcard src/*/*.c))
HEADERS  := $(wildcard src/*/*.h)
SRC      := $(filter-out src/cli/main.c,$(ALL_SRC))
EMBED_IN := $(sort $(wildcard sql/*.sql) $(wildcard po/*.po) $(wildcard static/*.css) $(wildcard static/*.js) $(wildcard static/*.svg) $(wildcard static/*.ico))
# Generated static files, served as static/…: the web fonts cut from
# Debian's Noto fonts to the characters of the catalogs (tools/fonts.py), and
# the OpenMoji pictograms of static/pictos.list (npm package openmoji).
PYTHON3  ?= /usr/bin/python3
FONT_NAMES := sans arabic ethiopic tamil bengali georgian cjk
FONT_OUT := $(BUILD)/gen/static/fonts.css \
	$(foreach f,$(FONT_NAMES),$(BUILD)/gen/static/fonts/$(f)-400.woff2 $(BUILD)/gen/static/fonts/$(f)-700.woff2)
PICTOS   := $(shell sed -e 's/\#.*//' static/pictos.list | awk 'NF { print $$1 }')
PICTO_OUT := $(patsubst %,$(BUILD)/gen/static/picto/%.svg,$(PICTOS))
GEN_STATIC := $(FONT_OUT) $(PICTO_OUT)
GEN      := $(BUILD)/gen/embedded.c
OBJ      := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC)) $(BUILD)/obj/embedded.o
SAN_OBJ  := $(patsubst src/%.c,$(BUILD)/san/%.o,$(SRC)) $(BUILD)/san/embedded.o
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))

.PHONY: all check unit lint format po po-check clean demo
.SECONDARY: $(SAN_OBJ) $(OBJ)

all: $(BUILD)/guichet

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $<

$(GEN): $(BUILD)/tools/embed $(EMBED_IN) $(GEN_STATIC)
	@mkdir -p $(@D)
	$(BUILD)/tools/embed $@ --strip $(BUILD)/gen/ $(EMBED_IN) $(GEN_STATIC)

$(BUILD)/gen/fonts.stamp: tools/fonts.py src/util/i18n.c $(wildcard po/*.po)
	@mkdir -p $(@D)
	$(PYTHON3) tools/fonts.py $(BUILD)/gen/static src/util/i18n.c $(wildcard po/*.po)
	@touch $@

$(FONT_OUT): $(BUILD)/gen/fonts.stamp ;

$(BUILD)/gen/static/picto/%.svg: node_modules/openmoji/color/svg/%.svg
	@mkdir -p $(@D)
	cp $< $@

node_modules/openmoji/color/svg/%.svg:
	@echo "$@ is missing: ./dev setup installs OpenMoji (npm ci), or the code in static/pictos.list is wrong" >&2
	@exit 1

$(BUILD)/obj/embedded.o: $(GEN)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/guichet: $(BUILD)/obj/cli/main.o $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/san/embedded.o: $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(WERROR) $(SAN_FLAGS) $(PKG_CFLAGS) -iquote src -c -o $@ $<

$(BUILD)/san/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(WERROR) $(SAN_FLAGS) $(PKG_CFLAGS) -iquote src -c -o $@ $<

$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(SAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(WERROR) $(SAN_FLAGS) $(PKG_CFLAGS) -iquote src -iquote tests/unit -o $@ $< $(SAN_OBJ) $(PKG_LIBS) -lcmocka

unit: $(UNIT_BIN)
	@scripts/run-unit $(UNIT_BIN)

check: $(BUILD)/guichet $(UNIT_BIN)
	@scripts/check

demo: $(BUILD)/guichet
	@scripts/demo

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr -Isrc -Ibuild/gen src
	@# One file per run: clang-tidy 14 reports false va_list warnings when it
	@# analyses several files in one process.
	@for f in $(ALL_SRC); do clang-tidy --quiet $$f -- $(CSTD) $(PKG_CFLAGS) -iquote src -iquote $(BUILD)/gen || exit 1; done

format:
	clang-format -i $(ALL_SRC) $(HEADERS) tests/unit/*.h tests/unit/*/*.c fuzz/*.c tools/*.c

# Refreshes the templates and merges them into the catalogs: the staff
# languages against every text, the others against the public phrases only.
po:
	@mkdir -p $(BUILD)
	xgettext $(XGETTEXT_FLAGS) -o $(BUILD)/guichet.pot $(ALL_SRC)
	xgettext $(PUBLIC_XGETTEXT_FLAGS) -o $(BUILD)/guichet-public.pot $(ALL_SRC)
	for f in $(PO_STAFF); do msgmerge --quiet --update --backup=none $$f $(BUILD)/guichet.pot || exit 1; done
	for f in $(PO_PUBLIC); do msgmerge --quiet --update --backup=none $$f $(BUILD)/guichet-public.pot || exit 1; done

# Fails when a catalog lacks a translation it owes (or has only a fuzzy
# one), or is refused by msgfmt --check, without changing the files: a staff
# language owes every text of the sources, a public language every public
# phrase. Prints one line per catalog. Run by the test suite
# (tests/http/translations.test.mjs).
po-check:
	@mkdir -p $(BUILD)/po-check
	@xgettext $(XGETTEXT_FLAGS) -o $(BUILD)/po-check/guichet.pot $(ALL_SRC)
	@xgettext $(PUBLIC_XGETTEXT_FLAGS) -o $(BUILD)/po-check/guichet-public.pot $(ALL_SRC)
	@test -n "$(PO_STAFF)" || { echo "po-check: no staff language found in src/util/i18n.c"; exit 1; }
	@status=0; for f in $(PO_STAFF) $(PO_PUBLIC); do \
		case " $(PO_STAFF) " in *" $$f "*) pot=guichet.pot; kind="texts";; *) pot=guichet-public.pot; kind="public texts";; esac; \
		out=$(BUILD)/po-check/$$(basename $$f); \
		msgfmt --check -o /dev/null $$f || { status=1; continue; }; \
		msgmerge --quiet --no-fuzzy-matching -o $$out $$f $(BUILD)/po-check/$$pot || exit 1; \
		t=$$(msgattrib --no-obsolete $$out | grep -c '^msgid ' || true); t=$$((t > 0 ? t - 1 : 0)); \
		n=$$(msgattrib --untranslated --no-obsolete $$out | grep -c '^msgid ' || true); n=$$((n > 0 ? n - 1 : 0)); \
		z=$$(msgattrib --only-fuzzy --no-obsolete $$out | grep -c '^msgid ' || true); \
		echo "$$f: $$n untranslated, $$z fuzzy ($$t $$kind)"; \
		if [ $$n -ne 0 ] || [ $$z -ne 0 ]; then \
			status=1; \
			{ msgattrib --untranslated --no-obsolete --no-wrap $$out; msgattrib --only-fuzzy --no-obsolete --no-wrap $$out; } \
				| grep '^msgid "' | grep -v '^msgid ""$$' | head -10 | sed 's/^/    /'; \
		fi; \
	done; exit $$status

clean:
	rm -rf $(BUILD)

# Fuzz targets (clang's libFuzzer): make fuzz, then build/fuzz/fuzz_X -max_total_time=60
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined $(CSTD) $(PKG_CFLAGS) -iquote src
# The sources are compiled once for every target (instrumented, without
# libFuzzer's main), so that building all the targets stays quick.
FUZZ_OBJ := $(patsubst src/%.c,$(BUILD)/fuzzobj/%.o,$(SRC)) $(BUILD)/fuzzobj/embedded.o
.SECONDARY: $(FUZZ_OBJ)
.PHONY: fuzz
fuzz: $(FUZZ_BIN)
$(BUILD)/fuzzobj/embedded.o: $(GEN)
	@mkdir -p $(@D)
	clang $(subst fuzzer,fuzzer-no-link,$(FUZZ_FLAGS)) -c -o $@ $<
$(BUILD)/fuzzobj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	clang $(subst fuzzer,fuzzer-no-link,$(FUZZ_FLAGS)) -c -o $@ $<
$(BUILD)/fuzz/%: fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS)

# The recording benchmark (bench/README.md): prints figures beside a
# baseline measured in the same run. Never part of `make check`.
.PHONY: bench
bench: $(BUILD)/guichet
	node bench/record.mjs

# The Debian package (scripts/build-deb): $(BUILD)/guichet_VERSION_ARCH.deb.
.PHONY: deb
deb: $(BUILD)/guichet
	@BUILD=$(BUILD) scripts/build-deb
