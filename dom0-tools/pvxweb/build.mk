# dom0-tools/pvxweb: the JSON API and browser console (libwebsockets), and the
# page it serves, vendored from npm into build/www (package-lock.json pins it).
# Library pvxwebcore is the pure part (routes, bodies, backend status lines)
# that the unit tests link. The backends' status lines are read by libpvx/bkstat.c.

# What this folder may include (DESIGN.md section 2; see the top Makefile).
$(eval $(call component,dom0-tools/pvxweb,include common libpvx=dom0-tools/libpvx \
	libxs=dom0-tools/libxs libpvctrl=dom0-tools/libpvctrl pvstart=dom0-tools/pvstart))

HOST_LIBS += pvxwebcore
pvxwebcore_SRCS += dom0-tools/pvxweb/api_route.c dom0-tools/pvxweb/api_json.c \
	dom0-tools/pvxweb/web_auth.c
HOST_PROGS += pvxweb
pvxweb_SRCS += dom0-tools/pvxweb/main.c dom0-tools/pvxweb/web_lws.c \
	dom0-tools/pvxweb/web_http.c dom0-tools/pvxweb/web_events.c \
	dom0-tools/pvxweb/web_console.c dom0-tools/pvxweb/wsq.c \
	dom0-tools/pvxweb/sampler.c dom0-tools/pvxweb/sample.c \
	dom0-tools/pvxweb/api_table.c dom0-tools/pvxweb/api_dom.c \
	dom0-tools/pvxweb/api_domains.c dom0-tools/pvxweb/api_actions.c \
	dom0-tools/pvxweb/api_create.c dom0-tools/pvxweb/api_host.c \
	dom0-tools/pvxweb/api_sr.c dom0-tools/pvxweb/api_migrate.c
pvxweb_LIBS += pvxwebcore pvstart pvx xs pvctrl pvcommon
pvxweb_LDLIBS += -lwebsockets -lyajl -lz

# The page: our files plus the npm packages' built files, nothing else.
WWW_SRC := dom0-tools/pvxweb/www
WWW_NPM := $(B)/npm/www
WWW_FILES := $(shell find $(WWW_SRC) -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \
	-o -name '*.svg' \) -not -path '*/node_modules/*' 2>/dev/null)
EXTRA_ALL += $(B)/www/.stamp

$(WWW_NPM)/.stamp: $(WWW_SRC)/package.json $(WWW_SRC)/package-lock.json
	@$(if $(Q),echo "  NPM     $(WWW_NPM) (npm ci)")
	$(Q)command -v npm >/dev/null || { echo "pvxweb: npm is missing; run 'make deps'" >&2; exit 1; }
	$(Q)rm -rf $(WWW_NPM) && mkdir -p $(WWW_NPM)
	$(Q)cp $(WWW_SRC)/package.json $(WWW_SRC)/package-lock.json $(WWW_NPM)/
	$(Q)cd $(WWW_NPM) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >npm.log 2>&1 \
		|| { cat npm.log >&2; exit 1; }
	$(Q)touch $@

$(B)/www/.stamp: $(WWW_NPM)/.stamp $(WWW_FILES)
	@$(if $(Q),echo "  WWW     $(B)/www")
	$(Q)rm -rf $(B)/www && mkdir -p $(B)/www/vendor
	$(Q)cd $(WWW_SRC) && cp --parents $(patsubst $(WWW_SRC)/%,%,$(WWW_FILES)) $(CURDIR)/$(B)/www/
	$(Q)cp $(WWW_NPM)/node_modules/@xterm/xterm/lib/xterm.mjs $(B)/www/vendor/xterm.js
	$(Q)cp $(WWW_NPM)/node_modules/@xterm/xterm/css/xterm.css $(B)/www/vendor/xterm.css
	$(Q)cp $(WWW_NPM)/node_modules/@xterm/addon-fit/lib/addon-fit.mjs $(B)/www/vendor/addon-fit.js
	$(Q)cp $(WWW_NPM)/node_modules/uplot/dist/uPlot.esm.js $(B)/www/vendor/uPlot.js
	$(Q)cp $(WWW_NPM)/node_modules/uplot/dist/uPlot.min.css $(B)/www/vendor/uPlot.css
	$(Q)for p in @xterm/xterm @xterm/addon-fit uplot; do \
		cp $(WWW_NPM)/node_modules/$$p/LICENSE $(B)/www/vendor/LICENSE.$$(basename $$p); done
	$(Q)touch $@
