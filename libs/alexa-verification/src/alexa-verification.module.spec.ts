import { Test } from '@nestjs/testing';
import { MetricsModule } from '@lib/metrics';
import { StateStoreModule } from '@lib/state-store';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate } from '../../../tools/dev-certs.ts';
import {
  AlexaRequestVerifier,
  AlexaVerificationModule,
  CERTIFICATE_SOURCE,
  FileCertificateSource,
  HttpsCertificateSource,
  PemTrustStore,
  TRUST_STORE,
  type AlexaVerificationModuleOptions,
} from './index';

const compile = (options: AlexaVerificationModuleOptions) =>
  Test.createTestingModule({
    imports: [
      MetricsModule.forRoot({ serve: false }),
      StateStoreModule.forRoot({}),
      AlexaVerificationModule.forRoot(options),
    ],
  }).compile();

describe('AlexaVerificationModule', () => {
  it('downloads over HTTPS by default', async () => {
    const moduleRef = await compile({ production: false });
    expect(moduleRef.get(CERTIFICATE_SOURCE)).toBeInstanceOf(HttpsCertificateSource);
    expect(moduleRef.get(AlexaRequestVerifier)).toBeInstanceOf(AlexaRequestVerifier);
    await moduleRef.close();
  });

  it('reads certificates from a folder with certSource { dir }', async () => {
    const moduleRef = await compile({ production: false, certSource: { dir: '.dev-certs' } });
    expect(moduleRef.get(CERTIFICATE_SOURCE)).toBeInstanceOf(FileCertificateSource);
    await moduleRef.close();
  });

  it('adds the trusted CA file to the trust store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'module-'));
    try {
      const ca = await issueCertificate({ subject: 'CN=Module CA', ca: true });
      await writeFile(join(dir, 'ca.pem'), ca.pem);
      const moduleRef = await compile({ production: false, trustedCaFile: join(dir, 'ca.pem') });
      const store = moduleRef.get<PemTrustStore>(TRUST_STORE);
      expect(store.size).toBe(PemTrustStore.withNodeRoots().size + 1);
      await moduleRef.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ enabled: false }, 'ALEXA_VERIFY=false is refused when NODE_ENV=production'],
    [{ certSource: { dir: '.dev-certs' } }, 'ALEXA_CERT_SOURCE=file:<dir> is a development setting'],
    [{ skillIds: [] }, 'ALEXA_SKILL_ID is required when NODE_ENV=production'],
  ])('refuses to start in production with %j', async (options, message) => {
    await expect(compile({ production: true, skillIds: ['amzn1.ask.skill.x'], ...options })).rejects.toThrow(
      message,
    );
  });

  it('accepts options asynchronously (forRootAsync)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MetricsModule.forRoot({ serve: false }),
        StateStoreModule.forRoot({}),
        AlexaVerificationModule.forRootAsync({
          useFactory: () => ({ production: true, skillIds: ['amzn1.ask.skill.x'] }),
        }),
      ],
    }).compile();
    expect(moduleRef.get(CERTIFICATE_SOURCE)).toBeInstanceOf(HttpsCertificateSource);
    await moduleRef.close();
  });

  it('refuses to start when the trusted CA file is missing', async () => {
    await expect(compile({ production: false, trustedCaFile: '/nonexistent/ca.pem' })).rejects.toThrow(
      /ALEXA_TRUSTED_CA_FILE: cannot read/,
    );
  });
});
