# SPDX-License-Identifier: GPL-3.0-or-later
#
#   make demo    install what is missing, build, start the simulator and open the app
#   make check   install what is missing, build with warnings as errors, run every suite

BUILDDIR       ?= _build
CHECK_BUILDDIR ?= _build-check
MESON          ?= meson

# Debian 12 packages, by purpose.
DEPS_BUILD = meson ninja-build pkg-config gcc libc6-dev \
             libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev \
             libsoup-3.0-dev libjson-glib-dev libsqlite3-dev libsecret-1-dev \
             libxlsxwriter-dev libminizip-dev libxml2-dev libqrencode-dev gettext \
             desktop-file-utils appstream-util
DEPS_TEST  = xvfb xauth dbus-daemon dbus-bin unzip zbar-tools
DEPS_DEMO  = fonts-noto-cjk adwaita-icon-theme

.PHONY: all deps deps-demo build demo check clean bench

all: build

deps:
	@build-aux/install-deps.sh $(DEPS_BUILD) $(DEPS_TEST)

deps-demo:
	@build-aux/install-deps.sh $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_DEMO)

# The demo installs into a prefix inside the build directory, so that the
# app finds its schema, icons and translations without touching the system.
$(BUILDDIR)/build.ninja:
	$(MESON) setup $(BUILDDIR) -Ddevelopment=true --prefix=$(CURDIR)/$(BUILDDIR)/prefix

build: deps $(BUILDDIR)/build.ninja
	$(MESON) compile -C $(BUILDDIR)

demo: deps-demo $(BUILDDIR)/build.ninja
	$(MESON) compile -C $(BUILDDIR)
	$(MESON) install -C $(BUILDDIR) --quiet
	build-aux/demo.sh $(CURDIR)/$(BUILDDIR)/prefix

check: deps
	@if [ -f $(CHECK_BUILDDIR)/build.ninja ]; then \
	  $(MESON) configure $(CHECK_BUILDDIR) -Dwerror=true; \
	else \
	  $(MESON) setup $(CHECK_BUILDDIR) -Dwerror=true; \
	fi
	$(MESON) compile -C $(CHECK_BUILDDIR)
	build-aux/run-tests.sh $(CHECK_BUILDDIR)

bench: deps $(BUILDDIR)/build.ninja
	$(MESON) compile -C $(BUILDDIR)
	$(MESON) test -C $(BUILDDIR) --benchmark --verbose

clean:
	rm -rf $(BUILDDIR) $(CHECK_BUILDDIR)
