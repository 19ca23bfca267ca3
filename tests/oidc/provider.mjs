// A real OpenID Connect provider for the e-ID tests: panva's oidc-provider (OpenID Certified),
// configured as a Swedish e-ID broker that follows the oidc-sweden profile. It sends the
// personnummer in https://id.oidc.se/claim/personalIdentityNumber and a name, nothing about
// where the person lives. The test suite starts it on a loopback port; nothing leaves the
// machine.
//
// usage: node provider.mjs CONFIG.json  (prints "READY <issuer>" when it listens)
// CONFIG: {"port": 0, "clients": [...], "accounts": {"<login>": {claims}}, "claims"?: {scope: [claim]}}
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const PNR = 'https://id.oidc.se/claim/personalIdentityNumber';

const provider = new Provider(issuer, {
  clients: config.clients,
  // Scope → claims; the default is the oidc-sweden profile, a test may give another broker's.
  claims: config.claims ?? {
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name'],
    'https://id.oidc.se/scope/naturalPersonNumber': [PNR],
  },
  // The claims go in the ID token as well as in userinfo, as Swedish brokers do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['delaktig-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const claims = config.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`READY ${issuer}\n`);
});
