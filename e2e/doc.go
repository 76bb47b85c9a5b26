// Package e2e holds the browser tests of orgnet: the server runs in-process on
// the embedded store with the Yuelin seed, and a headless Chromium uses the
// pages the way a person would (typing, clicking, double-clicking), with no
// host but the test server reachable.
//
// Chromium comes from Debian (scripts/install-chromium.sh installs it with
// CJK fonts). Without it the tests skip, or fail when CI=true. Set
// ORGNET_CHROMIUM to use another binary. Screenshots are written to
// e2e/artifacts/ (git-ignored).
package e2e
