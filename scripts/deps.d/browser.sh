# The browser tests and bench drive Debian's Chromium with puppeteer-core (no browser download).
APT_PACKAGES+=(chromium)
