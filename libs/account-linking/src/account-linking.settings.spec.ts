import { resolveAccountLinkingSettings } from './account-linking.settings';

describe('resolveAccountLinkingSettings', () => {
  it('applies the documented defaults', () => {
    const settings = resolveAccountLinkingSettings({});
    expect(settings).toMatchObject({
      tokenShapeCheck: true,
      maxTokenLength: 4096,
      defaultProvider: 'default',
      includeTokenInLinkedEvent: false,
    });
    expect(settings.texts.get('de-DE', 'accessForbidden')).toContain('Berechtigungen');
  });

  it('refuses a max token length that is not a positive integer', () => {
    expect(() => resolveAccountLinkingSettings({ maxTokenLength: 0 })).toThrow(/maxTokenLength/);
    expect(() => resolveAccountLinkingSettings({ maxTokenLength: 1.5 })).toThrow(/maxTokenLength/);
  });

  it('refuses a provider name that is not an identifier', () => {
    expect(() => resolveAccountLinkingSettings({ defaultProvider: '' })).toThrow(/defaultProvider/);
    expect(() => resolveAccountLinkingSettings({ defaultProvider: 'has space' })).toThrow(/defaultProvider/);
  });
});
