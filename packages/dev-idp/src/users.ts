import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** A person who can sign in at the development OpenID provider. */
export interface DemoUser {
  /** The catalog User name; also the login name and the e-mail's local part. */
  name: string;
  email: string;
  displayName: string;
}

/**
 * The demo users are the catalog's own User entities (examples/org.yaml), so
 * the IdP and the catalog cannot drift apart: Backstage's sign-in resolver maps
 * `alice@example.com` back to `user:default/alice`.
 */
export function readDemoUsers(orgFile: string): DemoUser[] {
  const docs = parseAllDocuments(readFileSync(orgFile, 'utf8'));
  const users: DemoUser[] = [];
  for (const doc of docs) {
    const entity = doc.toJS() as {
      kind?: string;
      metadata?: { name?: string };
      spec?: { profile?: { email?: string; displayName?: string } };
    } | null;
    const name = entity?.metadata?.name;
    const email = entity?.spec?.profile?.email;
    if (entity?.kind === 'User' && name && email) {
      users.push({
        name,
        email,
        displayName: entity.spec?.profile?.displayName ?? name,
      });
    }
  }
  return users;
}
