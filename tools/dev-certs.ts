// Development and test certificates for Alexa request signing.
//
// `node tools/dev-certs.ts [--dir .dev-certs] [--force]` writes a development CA and a signing certificate with
// the SAN `echo-api.amazon.com`, named like Amazon's chain, so the service can run with
//   ALEXA_CERT_SOURCE=file:.dev-certs  ALEXA_TRUSTED_CA_FILE=.dev-certs/dev-ca.pem
// and the request simulator signs with `.dev-certs/echo-api-dev-key.pem` for the URL `DEV_CERT_URL`.
// The exported functions build arbitrary chains in memory for tests (expired, not yet valid, wrong SAN,
// self-signed, untrusted root, ECDSA issuer, issuer without CA:TRUE).
//
// Erasable TypeScript, run directly by Node 24 and imported by Jest tests.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, webcrypto, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningParams = webcrypto.RsaHashedKeyGenParams | (webcrypto.EcKeyGenParams & webcrypto.EcdsaParams);

x509.cryptoProvider.set(webcrypto);

export type KeyAlgorithm = 'rsa' | 'ecdsa';

/** A certificate and the key pair it certifies. */
export interface IssuedCertificate {
  readonly pem: string;
  readonly subject: string;
  readonly algorithm: KeyAlgorithm;
  readonly keys: CryptoKeyPair;
}

export interface CertificateSpec {
  /** Distinguished name, e.g. `CN=Development CA`. */
  subject: string;
  /** The signing CA; absent for a self-signed certificate. */
  issuer?: IssuedCertificate;
  /** Reuse a key pair (key generation is the slow part of tests); generated when absent. */
  keys?: CryptoKeyPair;
  /** @default 'rsa' */
  algorithm?: KeyAlgorithm;
  /** @default one day ago */
  notBefore?: Date;
  /** @default one year after notBefore */
  notAfter?: Date;
  /** basicConstraints CA:TRUE with keyCertSign; false leaves the certificate unable to issue. @default false */
  ca?: boolean;
  /** DNS subject alternative names. @default none */
  dnsNames?: readonly string[];
  /** IP address subject alternative names (a local test server on 127.0.0.1). @default none */
  ipAddresses?: readonly string[];
}

const DAY_MS = 86_400_000;
const ECHO_API_DOMAIN = 'echo-api.amazon.com';

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const ECDSA: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};

function algorithmParams(algorithm: KeyAlgorithm): SigningParams {
  return algorithm === 'rsa' ? RSA : ECDSA;
}

/** A new extractable key pair: RSA-2048 (what Amazon signs with) or ECDSA P-256. */
export async function generateKeys(algorithm: KeyAlgorithm = 'rsa'): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(algorithmParams(algorithm), true, ['sign', 'verify']);
}

/** Issues one certificate as `spec` describes, signed by `spec.issuer` or by itself. */
export async function issueCertificate(spec: CertificateSpec): Promise<IssuedCertificate> {
  const algorithm = spec.keys ? algorithmOf(spec.keys) : (spec.algorithm ?? 'rsa');
  const keys = spec.keys ?? (await generateKeys(algorithm));
  const notBefore = spec.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = spec.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  const issuer = spec.issuer;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(spec.ca === true, undefined, true),
    new x509.KeyUsagesExtension(
      spec.ca === true
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature
        : x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create((issuer ?? { keys }).keys.publicKey),
  ];
  const altNames: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(altNames));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: spec.subject,
    issuer: issuer?.subject ?? spec.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: (issuer?.keys ?? keys).privateKey,
    signingAlgorithm: algorithmParams(issuer?.algorithm ?? algorithm),
    extensions,
  });
  return { pem: certificate.toString('pem'), subject: spec.subject, algorithm, keys };
}

/** The private key as a Node KeyObject, to sign with `node:crypto`. */
export function privateKeyOf(certificate: IssuedCertificate): KeyObject {
  return KeyObject.from(certificate.keys.privateKey);
}

/** PEM certificates joined as one bundle, in the given order. */
export function pemBundle(...certificates: readonly IssuedCertificate[]): string {
  return certificates.map((certificate) => `${certificate.pem.trim()}\n`).join('');
}

export interface SigningChainOptions {
  /** Validity of every certificate is placed around this instant. @default now */
  now?: Date;
  /** The root CA; reuse one to share a trust anchor between chains. Created (self-signed) when absent. */
  root?: IssuedCertificate;
  /** Key type of a created root (an ECDSA issuer). @default 'rsa' */
  rootAlgorithm?: KeyAlgorithm;
  /** Put an intermediate between root and leaf; `ca: false` leaves out its CA:TRUE. @default none */
  intermediate?: { algorithm?: KeyAlgorithm; ca?: boolean };
  /** The signing certificate. */
  leaf?: {
    /** @default one day before `now` */
    notBefore?: Date;
    /** @default thirty days after `now` */
    notAfter?: Date;
    /** @default ['echo-api.amazon.com'] */
    dnsNames?: readonly string[];
    /** Self-signed instead of issued by the chain's CA. @default false */
    selfSigned?: boolean;
    /** Reuse a key pair. */
    keys?: CryptoKeyPair;
  };
  /** Append the root to the served chain, as Amazon does. @default true */
  includeRoot?: boolean;
}

/** A chain as Amazon serves it, with the key that signs requests and the CA a verifier must trust. */
export interface SigningChain {
  /** What the certificate URL serves: the leaf first, then its issuers. */
  readonly chainPem: string;
  /** The trust anchor (`ALEXA_TRUSTED_CA_FILE`). */
  readonly caPem: string;
  /** Signs request bodies. */
  readonly privateKey: KeyObject;
  readonly leaf: IssuedCertificate;
  readonly root: IssuedCertificate;
}

/**
 * Builds a signing chain in memory. Examples:
 * - valid: `createSigningChain({ root })`
 * - expired / not yet valid: `leaf: { notBefore, notAfter }` in the past / future
 * - wrong SAN: `leaf: { dnsNames: ['echo-api.amazon.com.evil.example'] }`
 * - self-signed leaf: `leaf: { selfSigned: true }`
 * - untrusted root: leave `root` out, so a fresh root nobody trusts signs it
 * - ECDSA issuer: `rootAlgorithm: 'ecdsa'` or `intermediate: { algorithm: 'ecdsa' }`
 * - issuer without CA:TRUE: `intermediate: { ca: false }`
 */
export async function createSigningChain(options: SigningChainOptions = {}): Promise<SigningChain> {
  const now = (options.now ?? new Date()).getTime();
  const root =
    options.root ??
    (await issueCertificate({
      subject: 'CN=Alexa Test Root CA',
      algorithm: options.rootAlgorithm ?? 'rsa',
      ca: true,
      notBefore: new Date(now - 365 * DAY_MS),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
    }));
  const intermediate = options.intermediate
    ? await issueCertificate({
        subject: 'CN=Alexa Test Intermediate CA',
        issuer: root,
        algorithm: options.intermediate.algorithm ?? 'rsa',
        ca: options.intermediate.ca ?? true,
        notBefore: new Date(now - 30 * DAY_MS),
        notAfter: new Date(now + 5 * 365 * DAY_MS),
      })
    : undefined;
  const leafOptions = options.leaf ?? {};
  const leaf = await issueCertificate({
    subject: 'CN=echo-api.amazon.com',
    issuer: leafOptions.selfSigned ? undefined : (intermediate ?? root),
    keys: leafOptions.keys,
    algorithm: 'rsa',
    notBefore: leafOptions.notBefore ?? new Date(now - DAY_MS),
    notAfter: leafOptions.notAfter ?? new Date(now + 30 * DAY_MS),
    dnsNames: leafOptions.dnsNames ?? [ECHO_API_DOMAIN],
  });
  const served = [leaf];
  if (!leafOptions.selfSigned) {
    if (intermediate) served.push(intermediate);
    if (options.includeRoot !== false) served.push(root);
  }
  return {
    chainPem: pemBundle(...served),
    caPem: pemBundle(root),
    privateKey: privateKeyOf(leaf),
    leaf,
    root,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The development certificates on disk

export const DEFAULT_DEV_CERTS_DIR = '.dev-certs';
/** Named like Amazon's chains, so `ALEXA_CERT_SOURCE=file:<dir>` finds it from the URL's last segment. */
export const DEV_CERT_FILE = 'echo-api-cert-dev.pem';
export const DEV_CA_FILE = 'dev-ca.pem';
export const DEV_CA_KEY_FILE = 'dev-ca-key.pem';
export const DEV_KEY_FILE = 'echo-api-dev-key.pem';
/** The `SignatureCertChainUrl` the request simulator sends: Amazon's form, so every URL rule applies. */
export const DEV_CERT_URL = `https://s3.amazonaws.com/echo.api/${DEV_CERT_FILE}`;

export interface DevCertPaths {
  readonly dir: string;
  readonly chainFile: string;
  readonly caFile: string;
  readonly keyFile: string;
  readonly certUrl: string;
}

function devPaths(dir: string): DevCertPaths {
  const absolute = resolve(dir);
  return {
    dir: absolute,
    chainFile: join(absolute, DEV_CERT_FILE),
    caFile: join(absolute, DEV_CA_FILE),
    keyFile: join(absolute, DEV_KEY_FILE),
    certUrl: DEV_CERT_URL,
  };
}

/**
 * Makes sure `dir` holds a usable development CA and signing certificate. An existing CA is kept (a running
 * service trusts it); the signing certificate is reissued when missing, expiring within a day, or `force`d.
 */
export async function ensureDevCerts(
  dir: string = DEFAULT_DEV_CERTS_DIR,
  force = false,
): Promise<DevCertPaths> {
  const paths = devPaths(dir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const caKeyFile = join(paths.dir, DEV_CA_KEY_FILE);
  let ca = force ? undefined : await readDevCa(paths.caFile, caKeyFile);
  if (!ca) {
    const now = Date.now();
    ca = await issueCertificate({
      subject: 'CN=Alexa Skill Service Development CA,O=Development only',
      ca: true,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
    });
    await writeFile(caKeyFile, exportPrivateKey(ca.keys), { mode: 0o600 });
    await writeFile(paths.caFile, ca.pem, { mode: 0o644 });
    force = true;
  }
  if (force || !leafUsable(paths.chainFile, paths.keyFile)) {
    const now = Date.now();
    const leaf = await issueCertificate({
      subject: 'CN=echo-api.amazon.com,O=Development only',
      issuer: ca,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      dnsNames: [ECHO_API_DOMAIN],
    });
    await writeFile(paths.keyFile, exportPrivateKey(leaf.keys), { mode: 0o600 });
    await writeFile(paths.chainFile, pemBundle(leaf, ca), { mode: 0o644 });
  }
  return paths;
}

/** The development signing key and URL, for `signRequest` (creates the certificates when missing). */
export async function loadDevSigningIdentity(
  dir: string = DEFAULT_DEV_CERTS_DIR,
): Promise<{ privateKey: string; certUrl: string }> {
  const paths = await ensureDevCerts(dir);
  return { privateKey: await readFile(paths.keyFile, 'utf8'), certUrl: paths.certUrl };
}

async function readDevCa(caFile: string, caKeyFile: string): Promise<IssuedCertificate | undefined> {
  if (!existsSync(caFile) || !existsSync(caKeyFile)) return undefined;
  try {
    const pem = await readFile(caFile, 'utf8');
    const parsed = new NodeX509Certificate(pem);
    if (parsed.validToDate.getTime() < Date.now() + DAY_MS) return undefined;
    const privateKey = await webcrypto.subtle.importKey(
      'pkcs8',
      pemBody(await readFile(caKeyFile, 'utf8')),
      RSA,
      true,
      ['sign'],
    );
    const publicKey = await webcrypto.subtle.importKey(
      'spki',
      parsed.publicKey.export({ type: 'spki', format: 'der' }),
      RSA,
      true,
      ['verify'],
    );
    return {
      pem,
      subject: new x509.X509Certificate(pem).subject,
      algorithm: 'rsa',
      keys: { privateKey, publicKey },
    };
  } catch {
    return undefined;
  }
}

function leafUsable(chainFile: string, keyFile: string): boolean {
  if (!existsSync(chainFile) || !existsSync(keyFile)) return false;
  try {
    // new X509Certificate reads the first block of the bundle: the leaf.
    return (
      new NodeX509Certificate(readFileSync(chainFile, 'utf8')).validToDate.getTime() > Date.now() + DAY_MS
    );
  } catch {
    return false;
  }
}

function exportPrivateKey(keys: CryptoKeyPair): string {
  return KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function algorithmOf(keys: CryptoKeyPair): KeyAlgorithm {
  return keys.publicKey.algorithm.name === 'ECDSA' ? 'ecdsa' : 'rsa';
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(12));
  bytes[0] &= 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

async function main(argv: readonly string[]): Promise<void> {
  const dirIndex = argv.indexOf('--dir');
  const dir = dirIndex >= 0 && argv[dirIndex + 1] ? argv[dirIndex + 1] : DEFAULT_DEV_CERTS_DIR;
  const paths = await ensureDevCerts(dir, argv.includes('--force'));
  process.stdout.write(
    [
      `development certificates in ${paths.dir}`,
      `  chain (served for ${paths.certUrl}): ${paths.chainFile}`,
      `  signing key: ${paths.keyFile}`,
      `run the service with:`,
      `  ALEXA_CERT_SOURCE=file:${dir} ALEXA_TRUSTED_CA_FILE=${join(dir, DEV_CA_FILE)}`,
      '',
    ].join('\n'),
  );
}

// Run as a script (`node tools/dev-certs.ts`), not when imported by tests or other tools.
if (process.argv[1] !== undefined && basename(process.argv[1]) === 'dev-certs.ts') {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`dev-certs: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
