# tests/browser: playwright-core from npm (pinned by package-lock.json) drives
# Debian's chromium in the page test. When npm cannot install it, the test skips
# and says why (build/npm/browser/npm.log); no stamp is left, so the next build
# tries again.
BROWSER_NPM := $(B)/npm/browser
build-tests: $(BROWSER_NPM)/.stamp

$(BROWSER_NPM)/.stamp: tests/browser/package.json tests/browser/package-lock.json
	@$(if $(Q),echo "  NPM     $(BROWSER_NPM) (npm ci)")
	$(Q)rm -rf $(BROWSER_NPM) && mkdir -p $(BROWSER_NPM)
	$(Q)cp tests/browser/package.json tests/browser/package-lock.json $(BROWSER_NPM)/
	$(Q)if (cd $(BROWSER_NPM) && command -v npm >/dev/null && \
		npm ci --no-audit --no-fund --ignore-scripts --fetch-retries=1 --loglevel=error \
		>npm.log 2>&1); then touch $@; else \
		echo "  NPM     failed: the browser test will skip (see $(BROWSER_NPM)/npm.log); the next build tries again"; fi
