import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { Agent } from 'node:https';
import { CertificateServer } from '../../../../test/support/signing/certificate-server';
import { VerificationFailure } from '../verification-failure';
import { HttpsCertificateSource } from './https-certificate-source';

describe('HttpsCertificateSource (against a local HTTPS server)', () => {
  let server: CertificateServer;
  let source: HttpsCertificateSource;
  const chain = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

  beforeAll(async () => {
    server = await CertificateServer.start();
    server
      .serve('/echo.api/chain.pem', chain)
      .serve('/echo.api/garbage.pem', Buffer.from([0xff, 0xfe, 0x00, 0x41]))
      .on('/echo.api/missing.pem', { kind: 'status', status: 404 })
      .on('/echo.api/moved.pem', { kind: 'status', status: 301 })
      .on('/echo.api/hang.pem', { kind: 'hang' })
      .on('/echo.api/huge.pem', { kind: 'huge', size: 1_000_000 });
    const instance = axios.create({ httpsAgent: new Agent({ ca: server.caPem }) });
    const http = new HttpService(instance as unknown as ConstructorParameters<typeof HttpService>[0]);
    source = new HttpsCertificateSource(http, { timeoutMs: 300, maxBytes: 65_536 });
  });
  afterAll(() => server.close());

  const failure = async (path: string): Promise<VerificationFailure> => {
    const error = await source.fetch(server.origin + path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerificationFailure);
    return error as VerificationFailure;
  };

  it('returns the body as text, unparsed', async () => {
    await expect(source.fetch(`${server.origin}/echo.api/chain.pem`)).resolves.toBe(chain);
  });

  it('returns garbage as text too (the chain validator refuses it)', async () => {
    await expect(source.fetch(`${server.origin}/echo.api/garbage.pem`)).resolves.toEqual(expect.any(String));
  });

  it('fails on a status other than 200', async () => {
    expect(await failure('/echo.api/missing.pem')).toMatchObject({
      check: 'cert_fetch',
      reason: 'download answered HTTP 404',
    });
  });

  it('does not follow redirects', async () => {
    expect(await failure('/echo.api/moved.pem')).toMatchObject({
      check: 'cert_fetch',
      reason: 'download answered HTTP 301',
    });
  });

  it('gives up on a download that never finishes, within the deadline', async () => {
    const started = performance.now();
    expect(await failure('/echo.api/hang.pem')).toMatchObject({
      check: 'cert_fetch',
      reason: 'download timed out',
    });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops reading beyond the size cap', async () => {
    expect(await failure('/echo.api/huge.pem')).toMatchObject({
      check: 'cert_fetch',
      reason: 'download exceeds the size cap',
    });
  });

  it('fails when nothing listens', async () => {
    const closed = await CertificateServer.start();
    const origin = closed.origin;
    await closed.close();
    const error = await source.fetch(`${origin}/echo.api/chain.pem`).catch((e: unknown) => e);
    expect(error).toMatchObject({ check: 'cert_fetch', reason: 'download failed (ECONNREFUSED)' });
  });

  it('fails when the server certificate is not trusted', async () => {
    const strict = new HttpsCertificateSource(new HttpService(), { timeoutMs: 1000, maxBytes: 65_536 });
    const error = await strict.fetch(`${server.origin}/echo.api/chain.pem`).catch((e: unknown) => e);
    expect(error).toMatchObject({ check: 'cert_fetch' });
  });
});
