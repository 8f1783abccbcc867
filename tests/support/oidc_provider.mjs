// A real OpenID provider for govflow's tests: the npm package oidc-provider, started with a
// test client, test people and its own signing key. Nothing of it is mocked in Python.
//
//   node tests/support/oidc_provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 9001, "client_id": "...", "client_secret": "...",
//               "redirect_uris": [...], "post_logout_redirect_uris": [...],
//               "unverified": ["someone@example"]}
//
// Anyone can sign in with any password: the login is the email address the ID token
// carries (email_verified is false for the addresses listed under "unverified").
//
// For the failure modes a test sets a mode (POST /__test__/mode {"mode": "..."}); the
// provider then answers the token request with an ID token that is wrong in one way:
//   wrong-audience  signed with the provider's key, for another client
//   expired         signed with the provider's key, expired an hour ago
//   forged          signed with a key the provider never published (same key id)
//   replayed-nonce  signed with the provider's key, carrying the previous sign-in's nonce
//   slow            every answer to govflow's server (discovery, keys, token) waits 10 s
//   slow-token      only the token answer waits 10 s
//   normal          as issued
import { readFileSync } from 'node:fs';

import * as jose from 'jose';
import Provider from 'oidc-provider';

// The suite runs at a fixed moment (tests/support/clock.py): this provider does too, so the
// times in its tokens agree with govflow's clock. GF_TEST_CLOCK is "moment|real start".
const RealDate = Date;
let shift = 0;
if (process.env.GF_TEST_CLOCK) {
  const [moment, realStart] = process.env.GF_TEST_CLOCK.split('|').map(Number);
  shift = (moment - realStart) * 1000;
  globalThis.Date = class extends RealDate {
    constructor(...args) { if (args.length) super(...args); else super(RealDate.now() + shift); }

    static now() { return RealDate.now() + shift; }
  };
}

// The provider dates its cookies' expiry by the suite's moment, but a browser keeps cookies
// by the real clock, and the tests' own HTTP client by the suite's. Each expiry is given as
// a number of seconds from now (Max-Age, which takes precedence over Expires), so both keep
// the cookie as long as the provider meant, whichever clock they read and whether the
// suite's moment is before or after the real date.
function relativeExpiries(ctx) {
  const cookies = ctx.response.get('Set-Cookie');
  if (!shift || !Array.isArray(cookies) || !cookies.length) return;
  ctx.set('Set-Cookie', cookies.map((c) => {
    const expires = /;\s*expires=([^;]+)/i.exec(c);
    if (!expires) return c;
    const at = RealDate.parse(expires[1]);
    if (Number.isNaN(at) || at < 86_400_000) return c; // a cookie being deleted (1970)
    const seconds = Math.max(0, Math.round((at - Date.now()) / 1000));
    return c.replace(/;\s*max-age=[^;]*/gi, '').replace(expires[0], `; max-age=${seconds}`);
  }));
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const unverified = new Set((config.unverified || []).map((e) => e.toLowerCase()));

const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const { privateKey: forgerKey } = await jose.generateKeyPair('RS256');

let mode = 'normal';
let previousNonce = 'a-nonce-from-an-earlier-sign-in';

const plainPage = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    redirect_uris: config.redirect_uris,
    post_logout_redirect_uris: config.post_logout_redirect_uris || [],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['test-provider-cookie-key'] },
  pkce: { required: () => true },
  // Like Entra ID and Google, the email address and whether it is verified are in the ID
  // token itself (not only at the userinfo endpoint).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: {
    enabled: true,
    logoutSource: async (ctx, form) => {
      ctx.body = plainPage('Sign out of the test provider',
        `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
    },
    postLogoutSuccessSource: async (ctx) => {
      ctx.body = plainPage('Signed out of the test provider', '<p>You have signed out.</p>');
    },
  } },
  // The test person has always agreed to share their email address and name with govflow.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({
      accountId: ctx.oidc.session.accountId, clientId: ctx.oidc.client.clientId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  findAccount: async (ctx, id) => ({
    accountId: id,
    async claims() {
      const email = id.toLowerCase();
      const name = email.split('@')[0].split('.').map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
      return { sub: `sub-${email}`, email, email_verified: !unverified.has(email), name };
    },
  }),
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = plainPage('The test provider refused', `<pre>${JSON.stringify(out)}</pre>`);
  },
});

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const SERVER_PATHS = new Set(['/.well-known/openid-configuration', '/jwks', '/token']);

async function reSigned(idToken) {
  const claims = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = privateKey;
  if (mode === 'wrong-audience') claims.aud = 'another-service';
  if (mode === 'expired') { claims.iat = now - 7200; claims.exp = now - 3600; }
  if (mode === 'forged') key = forgerKey;
  if (mode === 'replayed-nonce') claims.nonce = previousNonce;
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key);
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test__/mode' && ctx.method === 'POST') {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    mode = JSON.parse(Buffer.concat(chunks).toString() || '{}').mode || 'normal';
    ctx.body = { mode };
    return;
  }
  if ((mode === 'slow' && SERVER_PATHS.has(ctx.path)) || (mode === 'slow-token' && ctx.path === '/token')) {
    await sleep(10_000);
  }
  await next();
  relativeExpiries(ctx);
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body && ctx.body.id_token) {
    const { nonce } = jose.decodeJwt(ctx.body.id_token);
    if (['wrong-audience', 'expired', 'forged', 'replayed-nonce'].includes(mode)) {
      ctx.body = { ...ctx.body, id_token: await reSigned(ctx.body.id_token) };
    }
    if (nonce) previousNonce = nonce;
  }
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
