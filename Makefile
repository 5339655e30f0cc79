# cairn — build, run and test. Plain make; dependencies are Debian packages found with pkg-config.
#   make        build cairnd and the test programs
#   make run    install what is missing, build, then serve in the foreground
#   make test   install what is missing, build, then run every test (last line: N passed, N failed)
#   make asan   the same tests under AddressSanitizer + UBSan

PKGS    := sqlite3 jansson libcurl libcrypto libzstd liblz4 libxxhash libmicrohttpd
CC      ?= gcc
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter -Wno-format-truncation -Werror
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -pthread $(OPT) $(WARN) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread

SRC_DIRS := $(sort $(dir $(wildcard src/*/*.c src/*/*/*.c)))
LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*/*.c src/*/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libcairn.a
BIN      := $(BUILD)/cairnd

# Unit tests: tests/unit/<module>_<name>_test.c links only the modules listed in UNIT_DEPS_<module>
# (so a module under construction elsewhere cannot break another module's unit tests); default: all.
UNIT_SRC  := $(wildcard tests/unit/*_test.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
UNIT_DEPS_util    := util
UNIT_DEPS_types   := util types
UNIT_DEPS_fs      := util fs
UNIT_DEPS_storage := util types storage
UNIT_DEPS_sql     := util types sql
mod_objs = $(filter $(foreach d,$(1),$(BUILD)/src/$(d)/%),$(LIB_OBJ))

.PHONY: all run test asan clean deps fmt unit
all: $(BIN) $(UNIT_BIN) $(EXTRA_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

.SECONDEXPANSION:
$(BUILD)/tests/unit/%_test: tests/unit/%_test.c tests/unit/test.h $$(if $$(UNIT_DEPS_$$(firstword $$(subst _, ,$$*))),$$(call mod_objs,$$(UNIT_DEPS_$$(firstword $$(subst _, ,$$*)))),$(LIB))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $(filter %.c %.o %.a,$^) $(LDLIBS)

deps:
	@bash scripts/deps.sh $(DEPS_FOR)

run: DEPS_FOR := run
run: deps
	@$(MAKE) --no-print-directory $(BIN)
	./$(BIN) --conf conf/cairn.conf

test: DEPS_FOR := test
test: deps
	@$(MAKE) --no-print-directory all
	@bash tests/run.sh

unit: all
	@bash tests/run.sh unit

asan: DEPS_FOR := test
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer" all
	@CAIRN_BUILD=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 bash tests/run.sh

fmt:
	clang-format -i $(wildcard src/*/*.c src/*/*.h src/*/*/*.c src/*/*/*.h src/*.c tests/unit/*.c tests/unit/*.h)

clean:
	rm -rf build build-asan

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d

# SQL front end (lexer, parser, AST printer): its unit tests link only those objects plus util and types,
# so they build while the rest of src/sql (sessions, execution) grows other dependencies.
SQL_FRONT_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/sql/lexer.c src/sql/parser*.c src/sql/ast.c src/sql/ast_print.c)) $(call mod_objs,util types)
$(BUILD)/tests/unit/sql_%_test: tests/unit/sql_%_test.c tests/unit/test.h $(wildcard tests/unit/sql_*.h) $(SQL_FRONT_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $(filter %.c %.o,$^) $(LDLIBS)

# make fuzz: libFuzzer target for the SQL parser (needs clang); run build/fuzz/sql_parse_fuzz tests/fuzz/sql_corpus
.PHONY: fuzz
fuzz:
	@mkdir -p $(BUILD)/fuzz
	clang -std=gnu11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Itests/fuzz -o $(BUILD)/fuzz/sql_parse_fuzz \
		tests/fuzz/sql_parse_fuzz.c $(wildcard src/sql/lexer.c src/sql/parser*.c src/sql/ast.c src/sql/ast_print.c) \
		$(wildcard src/util/*.c) $(wildcard src/types/*.c) $(LDLIBS)

# cairn-fs (src/fs/tool): the storage drivers from the shell, for bench/fs.sh and the fs integration tests.
FS_TOOL := $(BUILD)/cairn-fs
EXTRA_BINS += $(FS_TOOL)
all: $(FS_TOOL)
$(FS_TOOL): src/fs/tool/fs_tool.c $(filter-out $(BUILD)/src/fs/tool/%,$(call mod_objs,util fs))
	$(CC) $(CFLAGS) -DFS_TOOL_STANDALONE -o $@ $^ $(LDLIBS)
