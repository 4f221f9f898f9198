# The two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
GO    ?= go

# package:file pairs; a package is installed when one of its files is missing. Every
# system file that Go code or a test opens (fonts, programs) is listed under the command
# that runs it: cmd/portal/sysdeps_test.go fails when one is missing.
RUN_DEPS  := postgresql-15:/usr/lib/postgresql/15/bin/postgres \
             postgresql-15:/usr/lib/postgresql/15/bin/initdb \
             postgresql-client-15:/usr/lib/postgresql/15/bin/pg_isready \
             fonts-arphic-gbsn00lp:/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf \
             fonts-lxgw-wenkai:/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf \
             poppler-utils:/usr/bin/pdftotext
TEST_DEPS := $(RUN_DEPS) \
             chromium:/usr/bin/chromium \
             fonts-wqy-microhei:/usr/share/fonts/truetype/wqy/wqy-microhei.ttc \
             poppler-utils:/usr/bin/pdftoppm \
             dpkg:/usr/bin/dpkg-query \
             mount:/bin/mount \
             mount:/bin/umount
BENCH_DEPS := $(TEST_DEPS) \
             wrk:/usr/bin/wrk \
             coreutils:/bin/dd

define install_missing
	@missing=""; for pair in $(1); do pkg=$${pair%%:*}; file=$${pair#*:}; \
	  [ -e "$$file" ] && continue; \
	  case " $$missing " in *" $$pkg "*) ;; *) missing="$$missing $$pkg";; esac; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "安装缺少的系统软件包:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "缺少系统软件包:$$missing"; echo "请以 root 运行: apt-get install$$missing"; exit 1; \
	  fi; \
	fi
endef

# make fuzz runs every Fuzz target of the module for FUZZTIME each (go test's -fuzztime:
# 10s, 1m, 5000x). FUZZMINTIME bounds the shrinking of each new input (go test's default,
# 60s, would take a short run's whole time).
FUZZTIME    ?= 10s
FUZZMINTIME ?= 2s

.PHONY: vendor-js chaos run test bench fuzz deps-run deps-test deps-bench generate check-generated build test-tools mailpit

# Without PORTAL_SMTP_HOST, `portal serve` starts the local Mailpit built here and prints
# its web address, so the demo's mail can be read (issue 13 §2).
run: deps-run build var/bin/mailpit
	./var/bin/portal serve

build:
	@mkdir -p var/bin
	$(GO) build -o var/bin/portal ./cmd/portal

# The Go tools the tests run as servers, built once from the tools module (tools/go.mod)
# so the main go.mod stays lean: not rebuilt while the binary is there.
var/bin/versitygw: tools/go.mod
	@mkdir -p var/bin
	@[ -x $@ ] || { echo "构建 S3 测试服务器 versitygw（只需一次）…"; cd tools && $(GO) build -o ../$@ github.com/versity/versitygw/cmd/versitygw; }

# Mailpit, the local mail server of `make run` and of the mail tests (web/webtest.Mailpit).
var/bin/mailpit: tools/go.mod
	@mkdir -p var/bin
	@[ -x $@ ] || { echo "构建本地邮件服务器 Mailpit（只需一次）…"; cd tools && $(GO) build -o ../$@ github.com/axllent/mailpit; }

mailpit: var/bin/mailpit

test-tools: var/bin/versitygw var/bin/mailpit

test: deps-test check-generated test-tools
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 30m ./...

# The longer fault runs (issue 8, 3.4), kept out of `make test` by a build tag: 50
# concurrent decisions, PostgreSQL killed under load, the portal killed mid-upload. Each
# is bounded in time and prints "lost acknowledged writes: N", which must be 0.
chaos: deps-test
	@mkdir -p var
	set -o pipefail; $(GO) test -tags chaos -run '^TestChaos' -count=1 -timeout 15m -v ./web/ 2>&1 | tee var/chaos.log | grep -E '^(chaos |--- |ok|FAIL|PASS|panic)'

bench: deps-bench test-tools
	$(GO) test -run '^$$' -bench '^BenchmarkUpload200MB$$' -benchtime 5x ./web/
	$(GO) test -run '^$$' -bench . -skip '^(BenchmarkUpload200MB|BenchmarkUploadS3VsLocal|BenchmarkChainCheck10kVs50k|BenchmarkXLSXExport1kVs50k|BenchmarkLoanBookImport|BenchmarkScaleLists|BenchmarkDisclosureLists|BenchmarkDashboardScale|BenchmarkLoanBookXLSX100kVs200k)$$' -benchtime 3x ./...
	@echo "决定链校验（分批、校验点）：1 万与 5 万条完整复核的峰值堆之比（约 1），完整复核与新增 100 条后日常校验的耗时之比:"
	$(GO) test -run '^$$' -bench '^BenchmarkChainCheck10kVs50k$$' -benchtime 1x ./models/store/
	@echo "Excel 导出（流式写入）：5 万与 1 千行、15 万与 5 万行的峰值堆之比，及分配字节之比:"
	$(GO) test -run '^$$' -bench '^BenchmarkXLSXExport1kVs50k$$' -benchtime 1x ./web/
	@echo "借款明细导入（100 万笔，解析、校验、COPY、测算并保存）与同一文件直接 COPY 之比，及 RSS 增长:"
	$(GO) test -run '^$$' -bench '^BenchmarkLoanBookImport$$' -benchtime 1x ./models/store/
	@echo "借款明细 XLSX（流式读取，共享字符串存临时文件）：20 万与 10 万笔的峰值堆之比（约 1）及耗时之比:"
	$(GO) test -run '^$$' -bench '^BenchmarkLoanBookXLSX100kVs200k$$' -benchtime 1x ./models/
	@echo "省级规模：1k 与 5 万家机构下各官员列表及公示、名录（缓存未命中）的 req/s、比值、语句数与执行计划:"
	$(GO) test -run '^$$' -bench '^BenchmarkScaleLists$$' -benchtime 1x -timeout 60m ./web/
	@echo "信息披露官员列表：1 千与 2 万家机构（已备案的各 24 个月）下各列表及机构指标页的 p95、比值（目标 < 2×）、语句数与执行计划:"
	$(GO) test -run '^$$' -bench '^BenchmarkDisclosureLists$$' -benchtime 1x -timeout 60m ./web/
	@echo "省级看板：2 万家已备案机构各 24 个月报告（约 48 万份，另有 2 千家在验收中）下 /dashboard、/dashboard/disclosure 与未命中缓存的 /notices 的 req/s、平均与 p95 耗时、耗时之比（目标 ≤ 3×）及语句数:"
	$(GO) test -run '^$$' -bench '^BenchmarkDashboardScale$$' -benchtime 1x -timeout 30m ./web/
	@echo "上传到 S3 与上传到本地磁盘之比（同一次运行）:"
	$(GO) test -run '^$$' -bench '^BenchmarkUploadS3VsLocal$$' -benchtime 3x ./models/store/files/
	@echo "合格证明生成速度（公示列表 /notices 的 wrk 对比见上方 BenchmarkNoticesWrk）:"
	$(GO) test ./handlers/ -run '^$$' -bench 'CertificatePDF' -benchtime 3s

# Every Fuzz target, found with go test -list (so targets added later are run too), one
# after another; fails when one finds a crash. The failing input is saved under the
# package's testdata/fuzz/<target>/: commit it, and go test keeps replaying it.
fuzz: deps-test
	@targets=$$(set -o pipefail; $(GO) test -list '^Fuzz' ./... | \
	  awk '/^Fuzz/ { n = n " " $$1; next } /^ok/ { if (n != "") print $$2 n; n = "" }') || \
	  { echo "无法列出模糊测试目标（go test -list 失败）"; exit 1; }; \
	[ -n "$$targets" ] || { echo "没有找到模糊测试目标（func Fuzz…）"; exit 1; }; \
	count=0; failed=""; \
	while read -r pkg names; do for t in $$names; do count=$$((count+1)); \
	  echo "== $$pkg $$t（$(FUZZTIME)）"; \
	  $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) $$pkg || failed="$$failed $$pkg.$$t"; \
	done; done <<< "$$targets"; \
	if [ -n "$$failed" ]; then echo "模糊测试发现问题:$$failed（输入已保存在对应包的 testdata/fuzz/ 下）"; exit 1; fi; \
	echo "$$count 个模糊测试目标各运行 $(FUZZTIME)，均未发现问题"

deps-run:
	$(call install_missing,$(RUN_DEPS))

deps-test:
	$(call install_missing,$(TEST_DEPS))

deps-bench:
	$(call install_missing,$(BENCH_DEPS))

# The vendored scripts (static/js/vendor/README.md), fetched again from the npm registry
# at their pinned versions and checked against the committed hashes.
vendor-js:
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent echarts@6.0.0 axe-core@4.11.0 >/dev/null && \
	  mkdir e a && tar xzf echarts-6.0.0.tgz -C e && tar xzf axe-core-4.11.0.tgz -C a && cd $(CURDIR) && \
	  cp $$tmp/e/package/dist/echarts.min.js static/js/vendor/echarts-6.0.0.min.js && \
	  cp $$tmp/a/package/axe.min.js web/browsertest/axe/axe-4.11.0.min.js && rm -rf $$tmp && \
	  sha256sum -c static/js/vendor/SHA256SUMS

generate:
	$(GO) tool templ generate

# The committed *_templ.go must be what templ generates from the *.templ files.
check-generated:
	@out=$$($(GO) tool templ generate 2>&1) || { echo "$$out"; echo "templ generate 失败，见上方输出"; exit 1; }
	@if [ -d .git ] && [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
	  echo "生成的 *_templ.go 与 *.templ 不一致，请运行 make generate 并提交:"; git status --porcelain -- '*_templ.go'; exit 1; fi
