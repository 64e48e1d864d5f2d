// Preloaded into the MCP conformance suite: refuses DNS lookups and fetches
// of any host outside the loopback, so that no scenario reaches the network.
'use strict';
const dns = require('dns');
const loopback = (h) => h === 'localhost' || h === '::1' || h === '[::1]' || /^127\./.test(h);
const refuse = (what, host) => {
  const err = new Error(`conformance guard: refused ${what} of ${host}`);
  err.code = 'ENOTFOUND';
  return err;
};
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  if (!loopback(host)) {
    const cb = rest[rest.length - 1];
    process.nextTick(() => cb(refuse('lookup', host)));
    return {};
  }
  return lookup.call(this, host, ...rest);
};
const plookup = dns.promises.lookup;
dns.promises.lookup = async function (host, ...rest) {
  if (!loopback(host)) throw refuse('lookup', host);
  return plookup.call(this, host, ...rest);
};
const realFetch = globalThis.fetch;
globalThis.fetch = async function (input, init) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? String(input) : input.url);
  if (!loopback(url.hostname)) throw refuse('fetch', url.href);
  return realFetch(input, init);
};
