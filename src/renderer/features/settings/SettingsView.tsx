import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language, type Settings, type Theme } from '../../../shared/settings';
import { useApi, useRoot } from '../../app/context';
import { LANGUAGE_NAMES } from '../../i18n';
import { ViewHeader } from '../../ui/ViewHeader';
import { AccountSection } from './AccountSection';
import { PasswordSection } from './PasswordSection';
import { UpdatesSection } from './UpdatesSection';
import { ErrorText } from '../../ui/ErrorText';

type AppearancePatch = { language?: Language; theme?: Theme };

/** Settings: appearance, link handlers (in a browser), account, password, updates, and what is running. */
export function SettingsView() {
  const { t } = useTranslation();
  const api = useApi();
  const settings = useRoot((s) => s.settings);
  const host = useRoot((s) => s.appInfo?.host);
  const setSettings = useRoot((s) => s.setSettings);
  const [error, setError] = useState<string | null>(null);

  const save = async (patch: AppearancePatch) => {
    setError(null);
    try {
      setSettings(await api.call('settings:update', patch));
    } catch (err) {
      setError(t('settings.saveFailed', { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  return (
    <section className="view">
      <ViewHeader title={t('settings.title')} />
      {!settings ? (
        <p role="status">{t('settings.loading')}</p>
      ) : (
        <>
          <AppearanceSection settings={settings} onSave={(patch) => void save(patch)} />
          {host === 'browser' && <LinksSection />}
        </>
      )}
      <ErrorText error={error} />
      <AccountSection />
      <PasswordSection />
      <UpdatesSection />
      <AboutSection />
    </section>
  );
}

/** The interface language and the theme, saved as soon as chosen. */
function AppearanceSection(props: { settings: Settings; onSave: (patch: AppearancePatch) => void }) {
  const { t } = useTranslation();
  const langId = useId();
  const themeId = useId();
  return (
    <fieldset className="card">
      <legend>{t('settings.appearance')}</legend>
      <div className="field">
        <label htmlFor={langId}>{t('settings.language')}</label>
        <select
          id={langId}
          value={props.settings.language}
          onChange={(e) => props.onSave({ language: e.target.value as Language })}
        >
          {LANGUAGES.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={themeId}>{t('settings.theme')}</label>
        <select
          id={themeId}
          value={props.settings.theme}
          onChange={(e) => props.onSave({ theme: e.target.value as Theme })}
        >
          <option value="system">{t('settings.themeSystem')}</option>
          <option value="light">{t('settings.themeLight')}</option>
          <option value="dark">{t('settings.themeDark')}</option>
        </select>
      </div>
    </fieldset>
  );
}

/** In a browser: asks it to open tel: and sip: links here. */
function LinksSection() {
  const { t } = useTranslation();
  const [linksNote, setLinksNote] = useState(false);
  const registerLinks = () => {
    // Browsers allow handlers for tel: and sip: (safelisted schemes) from a secure context.
    for (const scheme of ['tel', 'sip']) {
      try {
        navigator.registerProtocolHandler(scheme, `${location.origin}/?dial=%s`);
      } catch {
        // Not allowed in this browser; the desktop app registers them at install time.
      }
    }
    setLinksNote(true);
  };
  return (
    <fieldset className="card">
      <legend>{t('settings.links')}</legend>
      <button type="button" onClick={registerLinks}>
        {t('settings.registerLinks')}
      </button>
      {linksNote && <p role="status">{t('settings.linksRegistered')}</p>}
    </fieldset>
  );
}

/** The app's version, platform and host. */
function AboutSection() {
  const { t } = useTranslation();
  const info = useRoot((s) => s.appInfo);
  return (
    <section aria-labelledby="about-title" className="card">
      <h2 id="about-title">{t('settings.about')}</h2>
      {info ? (
        <dl className="about">
          <dt>{t('settings.version')}</dt>
          <dd data-testid="app-version">{info.version}</dd>
          <dt>{t('settings.platform')}</dt>
          <dd data-testid="app-platform">
            {info.platform} {info.arch}
          </dd>
          <dt>{t('settings.host')}</dt>
          <dd>
            {info.host === 'electron'
              ? t('settings.hostElectron', { runtime: info.runtime })
              : t('settings.hostBrowser', { runtime: info.runtime })}
          </dd>
        </dl>
      ) : (
        <p role="status">{t('settings.loading')}</p>
      )}
    </section>
  );
}
